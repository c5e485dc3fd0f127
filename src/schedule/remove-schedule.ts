import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { runNowJobId } from './run-now.js';
import { ScheduleState } from './schedule-state.js';

/**
 * Removes the job scheduler (and its waiting ticks) and forgets the schedule's state and changes memory. A tick
 * already running finishes; batches it made stay until they expire. Throws AppError('not-found') for an unknown name.
 */
export async function removeSchedule(syncQueue: Queue, redis: Redis, prefix: string, name: string): Promise<void> {
  const existed = await syncQueue.removeJobScheduler(name);
  if (!existed) throw new AppError('not-found', `no schedule ${name} (see \`bulk-assign schedule list\`)`);
  // Ticks queued by `run-now` that no worker has taken yet go too (the sync queue holds a handful of jobs at most).
  for (const job of await syncQueue.getJobs(['wait', 'delayed', 'prioritized'])) {
    if (job.id !== undefined && job.id === runNowJobId(name, job.id.slice(-16))) await job.remove().catch(() => undefined);
  }
  await new ScheduleState(redis, prefix, name).remove();
}
