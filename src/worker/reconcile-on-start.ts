import type { Job, Queue } from 'bullmq';
import type { Logger } from '../log/logger.js';
import { logRowOutcome } from '../log/row-outcome.js';
import { parseAssignJobId, type AssignPayload, type BatchStore, type RecordResult } from '../queue/index.js';

/**
 * Gives a job that BullMQ failed its row's outcome. Failed jobs are kept by BullMQ until this has run, so a crash
 * between "BullMQ failed it" and "we recorded it" leaves the job to be reconciled at the next worker start instead
 * of a row pending for ever. A row that already has an outcome (the processor records before it throws) is left as
 * it is. Then the job goes (`keep` false), or stays for Bull Board marked recorded (`k`), so no later reconcile
 * records it again: its row may have been retried under another job id since.
 */
export async function recordFailedJob(store: BatchStore, job: Job<AssignPayload>, log: Logger, keep = false): Promise<RecordResult & { batchId?: string }> {
  const row = parseAssignJobId(job.id);
  if (!row) {
    // Not a row job (someone else's job on this queue): no row to give an outcome to, and nothing to keep it for.
    log.error({ jobId: job.id, reason: job.failedReason }, 'removing a failed job that is not a row of any batch');
    await job.remove().catch(() => undefined);
    return { changed: false, done: false };
  }
  const { batchId, line } = row;
  // A job whose data Redis evicted has no ids left; its row is still recorded by line.
  const { u = '', g = '' } = job.data ?? {};
  const message = (job.failedReason || 'failed').slice(0, 300);
  const reason = /stalled/i.test(message) ? 'stalled' : 'error';
  const res = await store.recordOutcomeCoalesced(batchId, { line, accountUserId: u, groupId: g, outcome: 'failed', reason, attempts: job.attemptsMade, message }, 'if-absent');
  if (res.changed) logRowOutcome(log, { batchId, jobId: job.id ?? null, line, accountUserId: u, groupId: g, outcome: 'failed', reason, attempts: job.attemptsMade, message });
  if (keep && job.data) await job.updateData({ ...job.data, k: 1 }).catch(() => undefined);
  else await job.remove().catch(() => undefined);
  return { ...res, batchId };
}

/**
 * At worker start: every failed job left behind by a crash (not marked recorded) gets its outcome; returns the
 * batches this finished. Kept jobs stay in the list, so it is read page by page rather than from its head.
 */
export async function reconcileFailedJobs(queue: Queue, store: BatchStore, log: Logger, keep = false): Promise<string[]> {
  const finished: string[] = [];
  const PAGE = 100;
  for (let start = 0; start < 10_000_000; ) {
    const jobs = (await queue.getFailed(start, start + PAGE - 1)) as Job<AssignPayload>[];
    if (jobs.length === 0) break;
    let removed = 0;
    for (const job of jobs) {
      if (job.data?.k === 1) continue;
      const res = await recordFailedJob(store, job, log, keep);
      if (!keep || !job.data) removed++;
      if (res.done && res.batchId) finished.push(res.batchId);
    }
    // Removed jobs shift the list: the next page starts that much earlier.
    start += jobs.length - removed;
  }
  return finished;
}
