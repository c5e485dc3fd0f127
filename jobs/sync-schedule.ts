/**
 * Job kind `sync`: one tick of a schedule (`bulk-assign schedule set`): read its source, import it as a new batch.
 *
 * Payload: {@link SyncPayload}, the schedule's definition (source, mode, flags; never a secret: a URL source's
 *   header is named by an environment variable the worker reads), plus `at` for ticks queued by `run-now`.
 * Job id: BullMQ's `repeat:<schedule>:<due ms>` for scheduled ticks; `run-now-<schedule>-<UTC second>` by hand.
 * Idempotency key: the batch id `<schedule>-<UTC tick time>`, made from when the tick was due, so a tick that runs
 *   twice finds its batch and resumes its import or does nothing; it never makes a second batch.
 * Retry policy: none (attempts 1). A bad source or a failed import is recorded on the schedule as a failed tick and
 *   the job completes; the next tick tries again. A worker that dies mid-tick: BullMQ's stalled-job check gives the
 *   tick to another worker, which resumes the same batch.
 * Concurrency: one tick at a time per worker process; a per-schedule lock plus the "previous batch still running"
 *   check make overlapping ticks of one schedule skip (recorded as skipped), whatever the number of workers.
 */
import type { Job } from 'bullmq';
import { parseScheduleDefinition, runTick, tickTime, type ScheduleDefinition, type TickContext, type TickResult } from '../src/schedule/index.js';

export { SYNC_JOB, SYNC_QUEUE } from '../src/schedule/index.js';

export type SyncPayload = ScheduleDefinition & {
  /** When a `run-now` tick was asked for (ms since epoch, whole second); scheduled ticks take it from the job id. */
  at?: number;
};

export type SyncContext = TickContext;

export function createSyncProcessor(ctx: SyncContext) {
  return async function processSync(job: Job<SyncPayload>): Promise<TickResult> {
    const at = tickTime(job.id, job.data, job.timestamp);
    // Checked again: it crossed Redis. Unknown keys (`at`) are dropped by the parse.
    const def = parseScheduleDefinition(job.data);
    if (!def) {
      ctx.log.error({ jobId: job.id }, 'schedule tick with a definition this version cannot read: set the schedule again');
      return { outcome: 'failed', batchId: '', reason: 'unreadable schedule definition' };
    }
    return runTick(ctx, def, at);
  };
}

