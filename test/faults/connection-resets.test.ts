import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows, postAnswers } from './harness/exact-counts.js';
import { expectOnlyLogLines, runFaultBatch } from './harness/fault-batch.js';

let e: E2E;
afterEach(() => e.close());

describe('S1 drops connections without answering', () => {
  it('resets are retried as network errors; every row is applied once and counted once', async () => {
    e = await startE2E('f-reset');
    const rows = faultRows(80);
    // The first 60 requests, whoever sends them, have their socket destroyed: most rows meet one or more.
    e.sim.addFault({ kind: 'reset', times: 60 });
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-reset', { env: { S1_MAX_ATTEMPTS: '20', S1_BACKOFF_MS: '20', S1_RATE_LIMIT: '100' } });
    expect(codes).toEqual([0]);
    expect(batch).toMatchObject({ assigned: 80, failed: 0 });
    expect(postAnswers(e.sim.stats())).toMatchObject({ reset: 60, '200': 80 });
    expect(batch.httpStatusCounts).toMatchObject({ network: 60 });
    expectOnlyLogLines(pool.all);
  });
});
