import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows } from './harness/exact-counts.js';
import { expectOnlyLogLines, runFaultBatch } from './harness/fault-batch.js';
import { startTokenGate, type TokenGate } from './harness/token-gate.js';

let e: E2E | undefined;
let gate: TokenGate | undefined;
afterEach(async () => {
  try {
    await e?.close();
  } finally {
    await gate?.close();
  }
});

describe('the API token revoked mid-batch', () => {
  it('a worker stops with one line, no row fails, and a worker with a new token finishes exactly the rest', { timeout: 120_000 }, async () => {
    e = await startE2E('f-revoked');
    const oldToken = 'tok_old_0123456789_SECRET';
    const newToken = 'tok_new_9876543210_SECRET';
    gate = await startTokenGate(e.sim.url, e.token, [oldToken]);
    const rows = faultRows(80);
    const env = { S1_API_URL: gate.url, S1_API_TOKEN: oldToken, S1_RATE_LIMIT: '30' };
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-revoked', {
      workers: 2,
      env,
      async during(pool) {
        await waitFor('a quarter of the rows done', async () => ((await e!.store.getBatch('f-revoked'))?.assigned ?? 0) >= 20);
        gate!.revoke(oldToken);
        const first = [...pool.live];
        // The worker that meets the 401 exits 1; a worker with no request out at that moment only finds the queue
        // paused and idles. The operator stops what is left before starting workers with a new token: an old one
        // left running would resume sending with the revoked token.
        const hit = await waitFor('a worker to stop on the 401', () => first.find((w) => w.child.exitCode !== null), 30_000);
        expect(hit.child.exitCode, hit.stderr()).toBe(1);
        expect(hit.stderr()).toMatch(/^bulk-assign: S1 rejected the API token \(HTTP 401\); rows stay pending: set a valid S1_API_TOKEN and start the worker again\n$/);
        await pool.stop();
        for (const w of first) expect(w.stderr(), 'one line at most').toMatch(/^(bulk-assign: [^\n]*\n)?$/);
        const stopped = (await e!.store.getBatch('f-revoked'))!;
        expect(stopped, 'no row was failed by the revocation').toMatchObject({ failed: 0 });
        expect(stopped.pending).toBeGreaterThan(0);
        // The same token again is refused at start, without a request.
        const postsBefore = e!.sim.stats().posts;
        const again = await e!.cli(['worker'], env);
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/rejected the API token \(HTTP 401\).*S1_API_TOKEN/);
        expect(e!.sim.stats().posts).toBe(postsBefore);
        // A new token: the queue resumes everywhere.
        gate!.accept(newToken);
        pool.start(1, { S1_API_TOKEN: newToken });
      },
    });
    expect(codes).toEqual([0]);
    expect(batch).toMatchObject({ assigned: 80, failed: 0 });
    expect(e.sim.stats().authFailures).toBeGreaterThan(0);
    expectOnlyLogLines(pool.all.slice(2));
    for (const w of pool.all) for (const t of [oldToken, newToken, e.token]) expect(w.stdout() + w.stderr()).not.toContain(t);
  });
});
