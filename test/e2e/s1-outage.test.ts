import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { UNREACHABLE_AFTER } from '../../src/worker/reachability.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { freePort } from '../helpers/redis-server.js';
import { csvRows, importAndWork, logLines, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
beforeEach(async () => {
  e = await startE2E('outage');
});
afterEach(() => e.close());

describe('S1 that cannot be reached', () => {
  it('a worker started before S1 answers keeps trying (a warning per attempt), then takes the jobs', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    expect((await e.cli(['import', e.file('later.csv', csvRows(5)), '--batch', 'later'])).code).toBe(0);
    const worker = spawnCli(['worker'], e.env({ S1_API_URL: url }));
    const out = collect(worker);
    const warnings = () => logLines(out.stdout()).filter((l) => l.level === 40 && String(l.msg).includes(`cannot reach S1 at ${url}`));
    await waitFor('two preflight warnings', () => warnings().length >= 2, 30_000);
    expect(worker.exitCode).toBeNull();
    expect(await e.store.getBatch('later')).toMatchObject({ pending: 5 });

    const sim = await startSimulator({ token: e.token, port });
    try {
      const done = await e.waitDone('later');
      expect(done).toMatchObject({ assigned: 5, failed: 0 });
      expect(sim.stats().posts).toBe(5);
    } finally {
      worker.kill('SIGTERM');
      await stopped(worker);
      await sim.close();
    }
    expect(worker.exitCode).toBe(0);
  });

  it(`from the ${UNREACHABLE_AFTER}th network failure in a row, rows wait without using attempts and the worker says so once`, async () => {
    // One attempt per row: without the outage rule every reset would fail its row for good.
    const resets = UNREACHABLE_AFTER + 2;
    e.sim.addFault({ kind: 'reset', times: resets });
    const env = { S1_MAX_ATTEMPTS: '1', S1_CONCURRENCY: '1' };
    const { batch, logs } = await importAndWork(e, csvRows(30), 'outage', 1, env, 90_000);
    expect(batch).toMatchObject({ rows: 30, failed: UNREACHABLE_AFTER - 1, assigned: 30 - (UNREACHABLE_AFTER - 1), pending: 0 });
    expect(e.sim.stats().byStatus.reset).toBe(resets);
    expect(logs.filter((l) => String(l.msg).startsWith(`cannot reach S1 at ${e.sim.url}`))).toHaveLength(1);
    expect(logs.filter((l) => l.msg === `no answer from S1 at ${e.sim.url}` && l.level === 40)).toHaveLength(resets);
    expect(logs.filter((l) => String(l.msg).startsWith(`S1 at ${e.sim.url} answers again`))).toHaveLength(1);
  });
});
