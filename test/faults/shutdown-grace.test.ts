import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows } from './harness/exact-counts.js';
import { runFaultBatch } from './harness/fault-batch.js';

let e: E2E;
afterEach(() => e.close());

describe('the shutdown grace period runs out (S1 hangs)', () => {
  it('one SIGTERM: hung requests are aborted after the grace, the worker exits 0 as the README says, rows stay pending', { timeout: 90_000 }, async () => {
    e = await startE2E('f-grace');
    const rows = faultRows(20);
    e.sim.addFault({ kind: 'hang' });
    const { batch, codes } = await runFaultBatch(e, rows, 'f-grace', {
      env: { S1_TIMEOUT_MS: '60000', SHUTDOWN_GRACE_SECONDS: '1', S1_CONCURRENCY: '4' },
      async during(pool) {
        const [w] = pool.live;
        await waitFor('hanging requests', () => e.sim.stats().posts >= 4);
        await pool.started(w!);
        w!.child.kill('SIGTERM');
        const [code] = (await once(w!.child, 'close')) as [number | null];
        expect(code, w!.stderr()).toBe(0);
        expect(w!.stdout()).toMatch(/grace period over: forcing shutdown/);
        expect(await e.store.getBatch('f-grace')).toMatchObject({ assigned: 0, failed: 0, pending: 20 });
        // The server recovers; a new worker does all of it.
        e.sim.clearFaults();
        pool.start(1);
      },
    });
    expect(codes).toEqual([0]);
    expect(batch).toMatchObject({ assigned: 20, failed: 0 });
  });
});
