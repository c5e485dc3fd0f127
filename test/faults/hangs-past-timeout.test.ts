import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows, postAnswers } from './harness/exact-counts.js';
import { expectOnlyLogLines, runFaultBatch } from './harness/fault-batch.js';

let e: E2E;
afterEach(() => e.close());

describe('S1 hangs past the request timeout', () => {
  it('hung requests time out and are retried; nothing hung is applied, every row ends applied once', async () => {
    e = await startE2E('f-hang');
    const rows = faultRows(60);
    e.sim.addFault({ kind: 'hang', times: 30 });
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-hang', { env: { S1_TIMEOUT_MS: '1500', S1_MAX_ATTEMPTS: '10', S1_BACKOFF_MS: '20', S1_RATE_LIMIT: '100' } });
    expect(codes).toEqual([0]);
    expect(batch).toMatchObject({ assigned: 60, failed: 0 });
    expect(postAnswers(e.sim.stats())).toMatchObject({ hang: 30, '200': 60 });
    expect(batch.httpStatusCounts).toMatchObject({ timeout: 30 });
    expectOnlyLogLines(pool.all);
  });
});
