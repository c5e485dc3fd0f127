import type { Job, Queue } from 'bullmq';
import type { Logger } from '../log/logger.js';
import { logRowOutcome } from '../log/row-outcome.js';
import { parseAssignJobId, type AssignPayload, type BatchStore, type RecordResult } from '../queue/index.js';

/**
 * Gives a job that BullMQ failed its row's outcome, then removes the job. Failed jobs are kept by BullMQ until this
 * has run, so a crash between "BullMQ failed it" and "we recorded it" leaves the job to be reconciled at the next
 * worker start instead of a row pending for ever. A row that already has an outcome (the processor records
 * before it throws) is left as it is.
 */
export async function recordFailedJob(store: BatchStore, job: Job<AssignPayload>, log: Logger): Promise<RecordResult & { batchId?: string }> {
  const row = parseAssignJobId(job.id);
  if (!row) {
    // Not a row job (someone else's job on this queue): no row to give an outcome to, and nothing to keep it for.
    log.error({ jobId: job.id, reason: job.failedReason }, 'removing a failed job that is not a row of any batch');
    await job.remove().catch(() => undefined);
    return { changed: false, done: false };
  }
  const { batchId, line } = row;
  const { u, g } = job.data;
  const message = (job.failedReason || 'failed').slice(0, 300);
  const reason = /stalled/i.test(message) ? 'stalled' : 'error';
  const res = await store.recordOutcomeCoalesced(batchId, { line, accountUserId: u, groupId: g, outcome: 'failed', reason, attempts: job.attemptsMade, message }, 'if-absent');
  if (res.changed) logRowOutcome(log, { batchId, jobId: job.id ?? null, line, accountUserId: u, groupId: g, outcome: 'failed', reason, attempts: job.attemptsMade, message });
  await job.remove().catch(() => undefined);
  return { ...res, batchId };
}

/** At worker start: every failed job left behind by a crash gets its outcome; returns the batches this finished. */
export async function reconcileFailedJobs(queue: Queue, store: BatchStore, log: Logger): Promise<string[]> {
  const finished: string[] = [];
  for (let round = 0; round < 10_000; round++) {
    const jobs = (await queue.getFailed(0, 99)) as Job<AssignPayload>[];
    if (jobs.length === 0) break;
    for (const job of jobs) {
      const res = await recordFailedJob(store, job, log);
      if (res.done && res.batchId) finished.push(res.batchId);
    }
  }
  return finished;
}
