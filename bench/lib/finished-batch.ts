import pLimit from 'p-limit';
import { BatchStore } from '../../src/queue/batch-store.js';
import type { FailureDetail } from '../../src/queue/outcomes.js';
import type { BenchContext } from './context.js';
import { benchGroupId, benchUserId } from './csv-fixture.js';

export interface FinishedBatchCounts {
  rows: number;
  assigned: number;
  failed: number;
  invalid: number;
  duplicate: number;
}

/** Row i's outcome: 1% failed (404), 0.1% invalid, 0.1% duplicate, the rest assigned. */
function outcomeOf(i: number): FailureDetail {
  const line = i + 1;
  const accountUserId = benchUserId(i);
  const groupId = benchGroupId(i);
  if (i % 100 === 0) return { line, accountUserId, groupId, outcome: 'failed', reason: 'http-404', httpStatus: 404, attempts: 1, message: `Account user "${accountUserId}" was not found.` };
  if (i % 1000 === 1) return { line, accountUserId, groupId: 'UGR-bad', outcome: 'invalid', reason: 'bad-group-id', message: 'group id "UGR-bad" does not have the shape UGR-dddd-dddd' };
  if (i % 1000 === 2) return { line, accountUserId, groupId, outcome: 'duplicate', reason: 'duplicate', message: 'same pair as line 2' };
  return { line, accountUserId, groupId, outcome: 'assigned', reason: '', httpStatus: 200, attempts: 1 };
}

/**
 * Writes a finished batch of `rows` rows straight through the project's BatchStore (createBatch, recordOutcomes in
 * pipelines of 1,000, finishImport): the same records a real run leaves, without a million HTTP calls.
 */
export async function buildFinishedBatch(ctx: BenchContext, prefix: string, batchId: string, rows: number): Promise<FinishedBatchCounts> {
  const store = new BatchStore(ctx.redis.client, prefix, 3600);
  await store.createBatch(batchId, `bench:${rows}`, `/bench/${batchId}.csv`, rows, false);
  const counts: FinishedBatchCounts = { rows, assigned: 0, failed: 0, invalid: 0, duplicate: 0 };
  const limit = pLimit(4);
  const chunks: Promise<unknown>[] = [];
  for (let start = 1; start <= rows; start += 1000) {
    const details: FailureDetail[] = [];
    for (let i = start; i < Math.min(rows + 1, start + 1000); i++) {
      const d = outcomeOf(i);
      counts[d.outcome as keyof Omit<FinishedBatchCounts, 'rows'>]++;
      details.push(d);
    }
    chunks.push(limit(() => store.recordOutcomes(batchId, details)));
  }
  await Promise.all(chunks);
  const k = store.keys(batchId);
  const requests = counts.assigned + counts.failed;
  await ctx.redis.client.hset(k.batch, 'requests', requests, 'h:200', counts.assigned, 'h:404', counts.failed);
  const done = await store.finishImport(batchId);
  if (!done) throw new Error(`batch ${batchId} did not finish: the outcomes do not add up`);
  return counts;
}
