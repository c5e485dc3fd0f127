import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ASSIGN_QUEUE } from './keys.js';

/**
 * The queue of row jobs. No per-job options beyond what each job needs: options are stored with every job, and a
 * million pending jobs pay for every byte. Completed jobs are removed by the worker (its removeOnComplete); failed
 * jobs stay (BullMQ's default) until the worker has recorded their row's outcome (see src/worker/reconcile-on-start.ts).
 */
export function createAssignQueue(redis: Redis, prefix: string): Queue {
  return new Queue(ASSIGN_QUEUE, { connection: redis, prefix });
}
