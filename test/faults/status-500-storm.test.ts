import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows, postAnswers } from './harness/exact-counts.js';
import { expectOnlyLogLines, runFaultBatch } from './harness/fault-batch.js';

let e: E2E;
afterEach(() => e.close());

describe('a storm of 500s', () => {
  it('rows ride the storm out with backoff; the ones that run out of attempts fail http-500 and are not applied', async () => {
    e = await startE2E('f-500');
    const rows = faultRows(60);
    // 90 answers of 500 (and 503) in a row: every request of the first rounds fails, whoever sends it.
    e.sim.addFault({ kind: 'status', status: 500, times: 60 });
    e.sim.addFault({ kind: 'status', status: 503, times: 30 });
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-500', { workers: 2, env: { S1_MAX_ATTEMPTS: '3', S1_BACKOFF_MS: '20', S1_RATE_LIMIT: '150' } });
    expect(codes).toEqual([0, 0]);
    expect(postAnswers(e.sim.stats())).toMatchObject({ '500': 60, '503': 30 });
    // With 3 attempts some rows may meet the storm three times: they end failed, and expectExactCounts has
    // checked that exactly those are missing at the simulator. Each failed row used all of its attempts.
    expect(batch.assigned + batch.failed).toBe(60);
    for await (const f of e.store.failures('f-500')) expect(f).toMatchObject({ reason: expect.stringMatching(/^http-50[03]$/) as unknown, attempts: 3 });
    expect(batch.httpStatusCounts['200']).toBe(batch.assigned);
    expectOnlyLogLines(pool.all);
  });
});
