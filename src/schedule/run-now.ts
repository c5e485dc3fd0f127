import type { Queue } from 'bullmq';
import { AppError } from '../errors.js';
import { parseScheduleDefinition } from './schedule-definition.js';
import { SYNC_JOB } from './schedule-keys.js';
import { tickBatchId, utcStamp } from './tick-batch-id.js';

/** The job id of a hand-queued tick: `run-now-<name>-<UTC second>` (the stamp is 16 characters). */
export function runNowJobId(name: string, stamp: string): string {
  return `run-now-${name}-${stamp}`;
}

/** A tick queued by hand. */
export interface QueuedTick {
  name: string;
  /** The batch the tick will import into (unless it is skipped because the previous batch still runs). */
  batchId: string;
  jobId: string;
}

/**
 * Queues one tick of a schedule now, with its current definition; a worker runs it like a scheduled one (same
 * overlap rule). The job id is made from the second, so asking twice within one second queues one tick.
 */
export async function runNow(syncQueue: Queue, name: string, now: Date = new Date()): Promise<QueuedTick> {
  const scheduler = await syncQueue.getJobScheduler(name);
  if (!scheduler) throw new AppError('not-found', `no schedule ${name} (see \`bulk-assign schedule list\`)`);
  const def = parseScheduleDefinition(scheduler.template?.data);
  if (!def) throw new AppError('internal', `schedule ${name} holds a definition this version cannot read: set it again with \`bulk-assign schedule set\``);
  const at = Math.floor(now.getTime() / 1000) * 1000;
  const jobId = runNowJobId(name, utcStamp(at));
  await syncQueue.add(SYNC_JOB, { ...def, at }, { jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 });
  return { name, batchId: tickBatchId(name, at), jobId };
}
