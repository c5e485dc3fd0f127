import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ASSIGN_QUEUE } from './keys.js';

/**
 * The queue of row jobs. Completed jobs are removed at once: the batch record keeps what matters. Failed jobs are
 * removed by the worker once their row's outcome is recorded (see reconcile-failed.ts), never before.
 */
export function createAssignQueue(redis: Redis, prefix: string): Queue {
  return new Queue(ASSIGN_QUEUE, {
    connection: redis,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: false },
  });
}
