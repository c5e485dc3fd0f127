import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { SYNC_QUEUE } from './schedule-keys.js';

/** The queue of schedule ticks. Finished ticks are removed at once: the schedule's state hash keeps what matters. */
export function createSyncQueue(redis: Redis, prefix: string): Queue {
  return new Queue(SYNC_QUEUE, {
    connection: redis,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
  });
}
