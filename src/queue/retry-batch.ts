import type { Queue } from 'bullmq';
import { AppError } from '../errors.js';
import { assignJobId } from './assign-job-id.js';
import type { BatchStore } from './batch-store.js';
import type { FailureDetail } from './outcomes.js';

/** Reasons that may succeed on their own if tried again: the default selection of `retry`. */
export const TRANSIENT_REASON = /^(http-5\d\d|http-408|http-425|timeout|network|rate-limited|stalled|error)$/;

export interface RetryOptions {
  /** Exact reasons to take; overrides the default. */
  reasons?: string[];
  /** Take every failed row, 4xx included. @defaultValue false */
  all?: boolean;
}

export interface RetryResult {
  batchId: string;
  retried: number;
  byReason: Record<string, number>;
}

/**
 * Puts a batch's failed rows back to work under new job ids (`<batch>-<line>-r<round>`): counts move from failed
 * back to pending and on to the new outcome, and the report is written again when the batch finishes. Rows left
 * half-retried by an interrupted earlier run are picked up too.
 */
export async function retryBatch(store: BatchStore, queue: Queue, batchId: string, options: RetryOptions): Promise<RetryResult> {
  const batch = await store.getBatch(batchId);
  if (!batch) throw new AppError('not-found', `no batch ${batchId} (it may have expired)`);
  const accept = options.all ? () => true : options.reasons?.length ? (r: string) => options.reasons!.includes(r) : (r: string) => TRANSIENT_REASON.test(r);
  const round = await store.redis.hincrby(store.keys(batchId).batch, 'retryRound', 1);
  const byReason: Record<string, number> = {};
  let retried = 0;

  const enqueue = async (rows: FailureDetail[]) => {
    if (rows.length === 0) return;
    await store.resetFailed(batchId, rows.map((r) => r.line));
    await queue.addBulk(
      rows.map((r) => ({
        name: 'assign',
        data: { u: r.accountUserId, g: r.groupId },
        opts: { jobId: assignJobId(batchId, r.line, round) },
      })),
    );
    await store.scripts.markQueued(store.keys(batchId).outcomes, rows.map((r) => r.line));
    retried += rows.length;
  };

  let chunk: FailureDetail[] = [];
  const take = async (d: FailureDetail) => {
    chunk.push(d);
    byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
    if (chunk.length >= 1000) {
      await enqueue(chunk);
      chunk = [];
    }
  };
  // Interrupted retries first; then the failed rows. Failures are paged by line number, not offset, so resetting
  // rows as we go does not shift the pages.
  for await (const d of store.retryingRows(batchId)) await take(d);
  await enqueue(chunk);
  chunk = [];
  for await (const d of store.failedLines(batchId, accept)) await take(d);
  await enqueue(chunk);
  return { batchId, retried, byReason };
}
