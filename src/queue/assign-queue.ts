import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ASSIGN_QUEUE } from './keys.js';

/** The queue of row jobs. Completed and failed jobs are removed at once: the batch record keeps what matters. */
export function createAssignQueue(redis: Redis, prefix: string): Queue {
  return new Queue(ASSIGN_QUEUE, {
    connection: redis,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
}
