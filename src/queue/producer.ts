import type { Queue } from 'bullmq';
import type { Config } from '../config/index.js';
import { createAssignQueue } from './assign-queue.js';
import type { BatchStore } from './batch-store.js';
import { openStore } from './open-store.js';

/** What one-shot commands that enqueue (import, retry, schedule) need: a fail-fast connection, the store and the queue. */
export interface Producer {
  store: BatchStore;
  queue: Queue;
  close(): Promise<void>;
}

/**
 * `role: 'worker'` rides out a Redis restart instead of failing fast: for `run`, which waits on the batch as long
 * as its in-process worker does. Commands that only read batches use {@link openStore}, which never loads bullmq.
 */
export async function openProducer(config: Config, role: 'producer' | 'worker' = 'producer'): Promise<Producer> {
  const handle = await openStore(config, role);
  const queue = createAssignQueue(handle.store.redis, config.prefix);
  let closed: Promise<void> | undefined;
  return {
    store: handle.store,
    queue,
    close() {
      closed ??= (async () => {
        await queue.close();
        await handle.close();
      })();
      return closed;
    },
  };
}
