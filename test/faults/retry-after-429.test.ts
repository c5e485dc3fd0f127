import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows, postAnswers } from './harness/exact-counts.js';
import { expectOnlyLogLines, runFaultBatch } from './harness/fault-batch.js';

let e: E2E;
afterEach(() => e.close());

// One attempt per row: a 429 that used an attempt would end its row failed, so "all assigned" proves none did.
const ENV = { S1_MAX_ATTEMPTS: '1', S1_RATE_LIMIT: '100' };

describe('429 with Retry-After', () => {
  it('in seconds: a run of 429s pauses everyone, uses no attempt, and every row is applied once', async () => {
    e = await startE2E('f-429s');
    const rows = faultRows(80);
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-429s', {
      workers: 2,
      env: ENV,
      async during() {
        await waitFor('the workers to be sending', () => e.sim.stats().posts >= 10, 30_000, 20);
        e.sim.addFault({ kind: 'status', status: 429, retryAfter: '1', times: 5 });
      },
    });
    expect(codes).toEqual([0, 0]);
    expect(batch).toMatchObject({ assigned: 80, failed: 0 });
    expect(postAnswers(e.sim.stats())).toMatchObject({ '429': 5, '200': 80 });
    expectOnlyLogLines(pool.all);
  });

  it('as an HTTP date: the same, with the pause read from a date', async () => {
    e = await startE2E('f-429d');
    const rows = faultRows(80);
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-429d', {
      workers: 2,
      env: ENV,
      async during() {
        await waitFor('the workers to be sending', () => e.sim.stats().posts >= 10, 30_000, 20);
        // Two seconds from now, on a whole second as HTTP dates are.
        const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
        e.sim.addFault({ kind: 'status', status: 429, retryAfter: at.toUTCString(), times: 5 });
      },
    });
    expect(codes).toEqual([0, 0]);
    expect(batch).toMatchObject({ assigned: 80, failed: 0 });
    expect(postAnswers(e.sim.stats())).toMatchObject({ '429': 5, '200': 80 });
    expectOnlyLogLines(pool.all);
  });
});
