import type { Queue } from 'bullmq';
import { AppError } from '../errors.js';
import { assignJob } from './assign-job.js';
import type { BatchStore } from './batch-store.js';
import type { FailureDetail } from './outcomes.js';
import { isTransientReason } from './transient-reason.js';

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
  const accept = options.all ? () => true : options.reasons?.length ? (r: string) => options.reasons!.includes(r) : isTransientReason;
  const round = await store.nextRetryRound(batchId);
  const byReason: Record<string, number> = {};
  let retried = 0;

  const enqueue = async (rows: FailureDetail[]) => {
    if (rows.length === 0) return;
    await store.resetFailed(batchId, rows.map((r) => r.line));
    await queue.addBulk(rows.map((r) => assignJob(batchId, r, round)));
    await store.markQueued(batchId, rows.map((r) => r.line));
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
