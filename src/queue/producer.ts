import type { Queue } from 'bullmq';
import type { Config } from '../config/index.js';
import { createAssignQueue } from './assign-queue.js';
import { BatchStore } from './batch-store.js';
import { connectRedis, createRedis } from './redis-connection.js';

/** What one-shot commands (import, status, report, retry) need: a fail-fast connection, the store and the queue. */
export interface Producer {
  store: BatchStore;
  queue: Queue;
  close(): Promise<void>;
}

/**
 * `role: 'worker'` rides out a Redis restart instead of failing fast: for `run`, which waits on the batch as long
 * as its in-process worker does.
 */
export async function openProducer(config: Config, role: 'producer' | 'worker' = 'producer'): Promise<Producer> {
  const redis = createRedis(config.redisUrl, role);
  await connectRedis(redis, config.redisUrl);
  const store = new BatchStore(redis, config.prefix, Math.round(config.batchRetentionDays * 86_400));
  const queue = createAssignQueue(redis, config.prefix);
  let closed: Promise<void> | undefined;
  return {
    store,
    queue,
    close() {
      closed ??= (async () => {
        await queue.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closed;
    },
  };
}
