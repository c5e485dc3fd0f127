import type { Redis } from 'ioredis';
import { retentionSeconds, type Config } from '../config/index.js';
import { BatchStore } from './batch-store.js';
import { connectRedis, createRedis } from './redis-connection.js';

/** How a one-shot command's Redis connection behaves. */
export interface OpenStoreOptions {
  /**
   * Ride out a Redis restart (reconnect and wait, as a worker does) instead of failing fast with one clear message:
   * for `run`, which waits on its batch as long as its in-process worker does.
   * @defaultValue false
   */
  ridesOutRedisRestarts?: boolean;
}

/** A connected batch store, the connection it owns (for what the store does not do), and how to close both. */
export interface StoreHandle {
  store: BatchStore;
  redis: Redis;
  close(): Promise<void>;
}

/**
 * What `status` and `report` need: the batch records, without BullMQ. Loading bullmq costs a command about 0.5 s
 * and 20-30 MB before it does anything, which is why this lives apart from {@link openProducer}.
 */
export async function openStore(config: Config, options: OpenStoreOptions = {}): Promise<StoreHandle> {
  const redis = createRedis(config.redisUrl, options.ridesOutRedisRestarts ? 'worker' : 'producer');
  await connectRedis(redis, config.redisUrl);
  const store = new BatchStore(redis, config.prefix, retentionSeconds(config));
  let closed: Promise<void> | undefined;
  return {
    store,
    redis,
    close() {
      closed ??= redis.quit().then(
        () => undefined,
        () => redis.disconnect(),
      );
      return closed;
    },
  };
}
