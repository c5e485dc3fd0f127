import { afterEach, describe, expect, it } from 'vitest';
import { ASSIGN_JOB } from '../../src/queue/assign-job.js';
import { createAssignQueue } from '../../src/queue/assign-queue.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
afterEach(() => e.close());

// Short locks so that a dead worker's jobs are recovered in about a second rather than thirty.
const FAST_STALL = { WORKER_LOCK_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500' };

async function jobCounts(e: E2E) {
  const q = createAssignQueue(e.redis, e.prefix);
  const counts = await q.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed');
  await q.close();
  return counts;
}

describe('crashes and shutdown', () => {
  it('a row whose job runs twice (duplicate delivery) is sent twice but counted and logged once', async () => {
    e = await startE2E('twice');
    expect((await e.cli(['import', e.file('t.csv', csvRows(6)), '--batch', 'twice'])).code).toBe(0);
    // A second job for every row, as a redelivery would make (another id naming the same batch and line): both
    // run, both record.
    const q = createAssignQueue(e.redis, e.prefix);
    const jobs = await q.getJobs(['waiting']);
    expect(jobs).toHaveLength(6);
    await q.addBulk(jobs.map((j) => ({ name: ASSIGN_JOB, data: j.data, opts: { jobId: `${j.id!}-r9` } })));
    await q.close();
    const w = spawnCli(['worker', '--concurrency', '2'], e.env());
    const out = collect(w);
    await waitFor('all twelve jobs to run', () => e.sim.stats().posts >= 12);
    await waitFor('the queue to drain', async () => (await jobCounts(e)).active === 0 && (await jobCounts(e)).waiting === 0);
    w.kill('SIGTERM');
    await stopped(w);
    expect(Object.values(e.sim.stats().perPair)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(await e.store.getBatch('twice')).toMatchObject({ rows: 6, assigned: 6, failed: 0, pending: 0, done: true });
    const outcomeLines = out.stdout().split('\n').filter((l) => l.includes('"row outcome"'));
    expect(outcomeLines).toHaveLength(6);
  });

  it('a worker killed with SIGKILL mid-request: another finishes its rows, the jobs run twice, counts stay exact', async () => {
    e = await startE2E('kill9', { latencyMs: 1500 });
    const imp = await e.cli(['import', e.file('k.csv', csvRows(10)), '--batch', 'kill9']);
    expect(imp.code).toBe(0);
    const a = spawnCli(['worker', '--concurrency', '4'], e.env(FAST_STALL));
    await waitFor('requests in flight at the server', () => e.sim.stats().posts >= 4);
    a.kill('SIGKILL');
    await stopped(a);
    // The simulator still carries out the requests the dead worker sent; their answers go nowhere.
    const b = spawnCli(['worker', '--concurrency', '4'], e.env(FAST_STALL));
    const batch = await e.waitDone('kill9', 45_000);
    b.kill('SIGTERM');
    await stopped(b);
    const twice = Object.values(e.sim.stats().perPair).filter((n) => n >= 2).length;
    expect(twice, 'some jobs ran twice (stalled-job recovery)').toBeGreaterThanOrEqual(4);
    expect(batch).toMatchObject({ rows: 10, assigned: 10, failed: 0, pending: 0, done: true });
    expect(e.sim.memberships().size).toBe(10);
  });

  it('SIGTERM drains: in-flight requests finish and are recorded, the rest stay pending, exit 0', async () => {
    e = await startE2E('drain', { latencyMs: 1200 });
    await e.cli(['import', e.file('d.csv', csvRows(12)), '--batch', 'drain']);
    const w = spawnCli(['worker', '--concurrency', '3'], e.env());
    const out = collect(w);
    await waitFor('three requests in flight', () => e.sim.stats().posts >= 3);
    w.kill('SIGTERM');
    const [code] = await stopped(w);
    expect(code, out.stderr()).toBe(0);
    const inFlight = e.sim.stats().posts;
    const b = await e.store.getBatch('drain');
    // Everything that was sent got its answer and its outcome; nothing was cut off.
    expect(b).toMatchObject({ assigned: inFlight, failed: 0, pending: 12 - inFlight });
    expect(await jobCounts(e)).toMatchObject({ active: 0, waiting: 12 - inFlight });
    // Another worker picks up exactly the rest: no row is sent twice.
    const w2 = spawnCli(['worker'], e.env());
    await e.waitDone('drain');
    w2.kill('SIGTERM');
    await stopped(w2);
    expect(Object.values(e.sim.stats().perPair).every((n) => n === 1)).toBe(true);
    expect(await e.store.getBatch('drain')).toMatchObject({ assigned: 12, pending: 0 });
  });

  it('a second signal forces: hanging requests are aborted and the worker exits 130; rows stay pending', async () => {
    e = await startE2E('force');
    e.sim.addFault({ kind: 'hang' });
    await e.cli(['import', e.file('f.csv', csvRows(5)), '--batch', 'force']);
    const w = spawnCli(['worker', '--concurrency', '2'], e.env({ S1_TIMEOUT_MS: '60000', SHUTDOWN_GRACE_SECONDS: '60' }));
    await waitFor('hanging requests', () => e.sim.stats().posts >= 2);
    const t0 = Date.now();
    w.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(w.exitCode, 'still draining after the first signal').toBeNull();
    w.kill('SIGTERM');
    const [code] = await stopped(w);
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const b = await e.store.getBatch('force');
    expect(b).toMatchObject({ assigned: 0, failed: 0, pending: 5, done: false });
  });
});
