import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import { createAssignQueue } from './assign-queue.js';
import type { BatchStore } from './batch-store.js';
import { openStore, type OpenStoreOptions } from './open-store.js';

/**
 * What one-shot commands that enqueue (import, retry, schedule) need: a connection (fail-fast unless asked
 * otherwise), the store and the queue on it. `redis` is for what neither does (the schedule commands' sync queue).
 */
export interface Producer {
  store: BatchStore;
  queue: Queue;
  redis: Redis;
  close(): Promise<void>;
}

/** Commands that only read batches use {@link openStore}, which never loads bullmq. */
export async function openProducer(config: Config, options: OpenStoreOptions = {}): Promise<Producer> {
  const handle = await openStore(config, options);
  const queue = createAssignQueue(handle.redis, config.prefix);
  let closed: Promise<void> | undefined;
  return {
    store: handle.store,
    queue,
    redis: handle.redis,
    close() {
      closed ??= (async () => {
        await queue.close();
        await handle.close();
      })();
      return closed;
    },
  };
}
