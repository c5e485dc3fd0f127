import { retentionSeconds, type Config } from '../config/index.js';
import { BatchStore } from './batch-store.js';
import { connectRedis, createRedis } from './redis-connection.js';

/** A connected batch store and the connection it owns. */
export interface StoreHandle {
  store: BatchStore;
  close(): Promise<void>;
}

/**
 * What `status` and `report` need: the batch records, without BullMQ. Loading bullmq costs a command about 0.5 s
 * and 20-30 MB before it does anything, which is why this lives apart from {@link openProducer}.
 */
export async function openStore(config: Config, role: 'producer' | 'worker' = 'producer'): Promise<StoreHandle> {
  const redis = createRedis(config.redisUrl, role);
  await connectRedis(redis, config.redisUrl);
  const store = new BatchStore(redis, config.prefix, retentionSeconds(config));
  let closed: Promise<void> | undefined;
  return {
    store,
    close() {
      closed ??= redis.quit().then(
        () => undefined,
        () => redis.disconnect(),
      );
      return closed;
    },
  };
}
