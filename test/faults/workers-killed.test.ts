import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows } from './harness/exact-counts.js';
import { expectOnlyLogLines, runFaultBatch } from './harness/fault-batch.js';
import { FAST_STALL } from './harness/worker-pool.js';

let e: E2E;
afterEach(() => e.close());

describe('workers killed with SIGKILL three times in one batch', () => {
  it('each time a new worker takes over the dead one\'s jobs; rows sent twice are counted once', { timeout: 120_000 }, async () => {
    // Slow answers, so each kill leaves requests in flight whose answers go nowhere.
    e = await startE2E('f-kill9', { latencyMs: 300 });
    const rows = faultRows(90);
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-kill9', {
      workers: 2,
      env: { ...FAST_STALL, S1_RATE_LIMIT: '40', S1_CONCURRENCY: '8' },
      async during(pool) {
        for (const doneBefore of [15, 35, 55]) {
          await waitFor(`${doneBefore} rows done`, async () => ((await e.store.getBatch('f-kill9'))?.assigned ?? 0) >= doneBefore);
          await pool.kill9();
          pool.start(1);
        }
      },
    });
    expect(pool.all.filter((w) => w.child.signalCode === 'SIGKILL')).toHaveLength(3);
    expect(codes).toEqual([0, 0]);
    expect(batch).toMatchObject({ assigned: 90, failed: 0 });
    // The killed workers' requests were carried out by the server and sent again by their successors.
    expect(e.sim.stats().posts).toBeGreaterThan(90);
    expectOnlyLogLines(pool.all.filter((w) => w.child.signalCode !== 'SIGKILL'));
  });
});
