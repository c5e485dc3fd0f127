import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { ScheduleState } from './schedule-state.js';

/**
 * Removes the job scheduler (and its waiting tick) and forgets the schedule's state and changes memory. A tick
 * already running finishes; batches it made stay until they expire. Throws AppError('not-found') for an unknown name.
 */
export async function removeSchedule(syncQueue: Queue, redis: Redis, prefix: string, name: string): Promise<void> {
  const existed = await syncQueue.removeJobScheduler(name);
  if (!existed) throw new AppError('not-found', `no schedule ${name} (see \`bulk-assign schedule list\`)`);
  await new ScheduleState(redis, prefix, name).remove();
}
