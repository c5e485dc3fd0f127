import pLimit from 'p-limit';
import { BatchStore } from '../../src/queue/batch-store.js';
import { batchKeys } from '../../src/queue/keys.js';
import { OUTCOME_CODE, type FailureDetail } from '../../src/queue/outcomes.js';
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
 * Writes a finished batch of `rows` rows with the project's BatchStore, as a real run leaves it, without a million
 * HTTP calls. Every row with a detail (failed, invalid, duplicate: 1.2%) goes through `recordOutcomesInBulk` (the real Lua,
 * in pipelines of 1,000); the assigned rows, which leave only an outcome byte and two counters, are written in one
 * go in the same layout (keys.ts, OUTCOME_CODE): a million single-row Lua calls would take about a minute here.
 * createBatch and finishImport are the store's own, and finishImport must find the counts adding up.
 */
export async function buildFinishedBatch(ctx: BenchContext, prefix: string, batchId: string, rows: number): Promise<FinishedBatchCounts> {
  const store = new BatchStore(ctx.redis.client, prefix, 3600);
  await store.createBatch(batchId, `bench:${rows}`, `/bench/${batchId}.csv`, rows, false);
  const k = batchKeys(prefix, batchId);
  const counts: FinishedBatchCounts = { rows, assigned: 0, failed: 0, invalid: 0, duplicate: 0 };
  // Byte `line` of the outcomes string is that line's code; the header is line 1, row i is line i + 1.
  const codes = Buffer.alloc(rows + 2, 0);
  const limit = pLimit(4);
  const pending: Promise<unknown>[] = [];
  let details: FailureDetail[] = [];
  for (let i = 1; i <= rows; i++) {
    const d = outcomeOf(i);
    counts[d.outcome as keyof Omit<FinishedBatchCounts, 'rows'>]++;
    if (d.outcome === 'assigned') codes[d.line] = OUTCOME_CODE.assigned.charCodeAt(0);
    else details.push(d);
    if (details.length === 1000 || (i === rows && details.length > 0)) {
      const chunk = details;
      details = [];
      pending.push(limit(() => store.recordOutcomesInBulk(batchId, chunk)));
    }
  }
  await Promise.all(pending);
  // SETRANGE over the whole string keeps the detail rows' codes that recordOutcomesInBulk just wrote: merge them first.
  const written = await ctx.redis.client.getBuffer(k.outcomes);
  if (written) for (let i = 0; i < written.length; i++) if (written[i] !== 0) codes[i] = written[i] as number;
  await ctx.redis.client
    .pipeline()
    .set(k.outcomes, codes)
    .hincrby(k.batch, 'assigned', counts.assigned)
    .hset(k.batch, 'h:200', counts.assigned, 'h:404', counts.failed)
    .exec();
  const done = await store.finishImport(batchId);
  if (!done) throw new Error(`batch ${batchId} did not finish: the outcomes do not add up`);
  return counts;
}
