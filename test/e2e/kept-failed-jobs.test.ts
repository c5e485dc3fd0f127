import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ASSIGN_QUEUE } from '../../src/queue/index.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, importAndWork, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
let queue: Queue;
beforeEach(async () => {
  e = await startE2E('kept');
  queue = new Queue(ASSIGN_QUEUE, { connection: e.redis, prefix: e.prefix });
});
afterEach(async () => {
  await queue.close();
  await e.close();
});

const U = (n: number) => `AUSR-1000-0000-${String(n).padStart(4, '0')}`;

describe('failed row jobs kept for Bull Board (KEEP_FAILED_JOBS_HOURS)', () => {
  it('stay in the failed list, marked recorded: a restart reconciles nothing twice and a retry still counts exactly', async () => {
    e.sim.addFault({ accountUserId: U(2), kind: 'status', status: 404 });
    e.sim.addFault({ accountUserId: U(3), kind: 'status', status: 404 });
    const first = await importAndWork(e, csvRows(6), 'kept', 1);
    expect(first.batch).toMatchObject({ assigned: 4, failed: 2, pending: 0 });
    const failed = await queue.getFailed(0, -1);
    expect(failed.map((j) => j.id).sort()).toEqual(['kept-3', 'kept-4']);
    expect(failed.every((j) => (j.data as { k?: number }).k === 1)).toBe(true);

    // Retried rows are pending again under new job ids. A worker start reconciles failed jobs first: the kept ones
    // are marked recorded and must not turn their (retried) rows back into failures. S1 is unreachable for it, so it
    // takes no job: only the reconcile runs.
    e.sim.clearFaults();
    expect((await e.cli(['retry', 'kept', '--all', '--json'])).code).toBe(0);
    const idle = spawnCli(['worker'], e.env({ S1_API_URL: 'http://127.0.0.1:1' }));
    const idleOut = collect(idle);
    await waitFor('its preflight warning', () => idleOut.stdout().includes('cannot reach S1'));
    idle.kill('SIGTERM');
    await stopped(idle);
    expect(await e.store.getBatch('kept')).toMatchObject({ assigned: 4, failed: 0, pending: 2 });

    const worker = spawnCli(['worker'], e.env());
    const done = await e.waitDone('kept');
    worker.kill('SIGTERM');
    await stopped(worker);
    expect(done).toMatchObject({ rows: 6, assigned: 6, failed: 0, pending: 0 });
    expect(e.sim.stats().perPair[`${U(2)}|UGR-1234-5678`]).toBe(2);
  });

  it('KEEP_FAILED_JOBS_HOURS=0: removed as soon as their rows are recorded', async () => {
    e.sim.addFault({ accountUserId: U(2), kind: 'status', status: 404 });
    const { batch } = await importAndWork(e, csvRows(3), 'gone', 1, { KEEP_FAILED_JOBS_HOURS: '0' });
    expect(batch).toMatchObject({ assigned: 2, failed: 1 });
    expect(await queue.getFailedCount()).toBe(0);
  });
});
