import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnCli, stopped } from '../helpers/cli.js';
import { csvRows, importAndWork, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
beforeEach(async () => {
  e = await startE2E('ops');
});
afterEach(() => e.close());

const U = (n: number) => `AUSR-1000-0000-${String(n).padStart(4, '0')}`;
const G = 'UGR-1234-5678';

async function work(batchId: string, env: Record<string, string> = {}) {
  const w = spawnCli(['worker'], e.env(env));
  const b = await e.waitDone(batchId);
  w.kill('SIGTERM');
  await stopped(w);
  return b;
}

describe('bulk-assign retry', () => {
  it('retries transient failures by default, exact reasons with --reason, and says when there is nothing to do', async () => {
    e.sim.addFault({ accountUserId: U(2), kind: 'status', status: 503 });
    e.sim.addFault({ accountUserId: U(3), kind: 'status', status: 503 });
    e.sim.addFault({ accountUserId: U(4), kind: 'status', status: 404 });
    const env = { S1_MAX_ATTEMPTS: '2' };
    const first = (await importAndWork(e, csvRows(6), 'retry', 1, env)).batch;
    expect(first).toMatchObject({ assigned: 3, failed: 3, done: true });

    e.sim.clearFaults();
    const r1 = await e.cli(['retry', 'retry', '--json']);
    expect(r1.code).toBe(0);
    expect(JSON.parse(r1.stdout)).toEqual({ batchId: 'retry', retried: 2, byReason: { 'http-503': 2 } });
    // Counts moved from failed back to pending at once...
    expect(await e.store.getBatch('retry')).toMatchObject({ failed: 1, pending: 2, done: false });
    // ...and running retry again before a worker took them does not enqueue them twice.
    expect(JSON.parse((await e.cli(['retry', 'retry', '--json'])).stdout)).toMatchObject({ retried: 0 });
    // ...and on to the new outcome; the worker writes the report again when the batch finishes.
    const second = await work('retry', env);
    expect(second).toMatchObject({ assigned: 5, failed: 1, pending: 0, done: true });
    expect(e.sim.stats().perPair[`${U(2)}|${G}`]).toBe(3);
    const report = JSON.parse(readFileSync(join(e.dir, 'reports', 'retry', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ assigned: 5, failed: 1, failuresByReason: { 'http-404': 1 } });

    const nothing = await e.cli(['retry', 'retry']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/nothing to retry in batch retry/);

    const r404 = await e.cli(['retry', 'retry', '--reason', 'http-404', '--json']);
    expect(JSON.parse(r404.stdout)).toMatchObject({ retried: 1, byReason: { 'http-404': 1 } });
    const third = await work('retry', env);
    expect(third).toMatchObject({ assigned: 6, failed: 0, pending: 0 });
    expect(e.sim.stats().perPair[`${U(4)}|${G}`]).toBe(2);
  });

  it('--all takes 4xx failures too; an unknown batch is an error', async () => {
    e.sim.addFault({ accountUserId: U(1), kind: 'status', status: 422, times: 1 });
    await importAndWork(e, csvRows(2), 'all', 1);
    expect((JSON.parse((await e.cli(['retry', 'all', '--json'])).stdout) as { retried: number }).retried).toBe(0);
    expect((JSON.parse((await e.cli(['retry', 'all', '--all', '--json'])).stdout) as { retried: number }).retried).toBe(1);
    expect(await work('all')).toMatchObject({ assigned: 2, failed: 0 });
    const missing = await e.cli(['retry', 'no-such-batch']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no batch no-such-batch/);
  });
});

describe('--skip-existing', () => {
  it('reads current memberships through the GET list call and writes only the missing pairs', async () => {
    // Users 1-4 exist; 1 and 2 are already in the group; 5 and 6 are not known to the account.
    e.sim.seed([1, 2, 3, 4].map((n) => ({ id: U(n), email: `u${n}@example.com`, groups: n <= 2 ? [G] : ['UGR-0000-0001'] })));
    const file = e.file('skip.csv', csvRows(6));

    const plan = await e.cli(['import', file, '--dry-run', '--skip-existing', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toEqual({ dryRun: true, rows: 6, valid: 6, invalid: 0, duplicate: 0, toAssign: 4, alreadyInPlace: 2, unknownUsers: 2, reasons: {}, resolution: { pages: 0, estimatedSeconds: 0 } });
    expect(e.sim.stats().posts).toBe(0);

    const res = await e.cli(['run', file, '--batch', 'skip', '--skip-existing', '--out', join(e.dir, 'out')]);
    expect(res.code, res.stderr).toBe(0);
    expect(e.sim.stats().posts).toBe(4);
    expect(Object.keys(e.sim.stats().perPair).sort()).toEqual([3, 4, 5, 6].map((n) => `${U(n)}|${G}`));
    const status = JSON.parse((await e.cli(['status', 'skip', '--json'])).stdout);
    expect(status).toMatchObject({ rows: 6, assigned: 4, alreadyMember: 2, pending: 0, done: true });
    const report = JSON.parse(readFileSync(join(e.dir, 'out', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ alreadyMember: 2, assigned: 4, alreadyMemberByReason: { 'in-place': 2 } });
    // The list call went through the same limiter and was counted at the server.
    expect(e.sim.stats().paths.some((p) => p.startsWith('/public/v1/accounts/account-users?offset=0'))).toBe(true);
  });
});
