import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAssignQueue } from '../../src/queue/assign-queue.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
beforeEach(async () => {
  e = await startE2E('import');
});
afterEach(() => e.close());

async function queued(): Promise<number> {
  const q = createAssignQueue(e.redis, e.prefix);
  const n = await q.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized');
  await q.close();
  return n;
}

describe('bulk-assign import', () => {
  it('prints the batch id, or with --json the id and counts; status --json has the contract fields', async () => {
    const file = e.file('a.csv', csvRows(5) + 'AUSR-1000-0000-0001,UGR-1234-5678\nAUSR-x,UGR-1234-5678\n');
    const plain = await e.cli(['import', file]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim()).toMatch(/^a-\d{8}-\d{6}-[0-9a-f]{4}$/);
    // What a pending row costs in Redis: the two ids and the job id, nothing else. Each value stays under Redis'
    // hash-max-listpack-value (64), so the job hash keeps the compact encoding (about half the memory).
    const generated = plain.stdout.trim();
    const job = await e.redis.hgetall(`${e.prefix}:assign:${generated}-2`);
    expect(JSON.parse(job.data!)).toEqual({ u: 'AUSR-1000-0000-0001', g: 'UGR-1234-5678' });
    // attempts 0 is BullMQ's own default; the worker applies its retry policy when it takes the job.
    expect(JSON.parse(job.opts!)).toEqual({ jobId: `${generated}-2`, attempts: 0 });
    expect(await e.redis.object('ENCODING', `${e.prefix}:assign:${generated}-2`)).toBe('listpack');
    const res = await e.cli(['import', file, '--batch', 'imp-1', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ batchId: 'imp-1', status: 'created', rows: 7, valid: 5, invalid: 1, duplicate: 1, alreadyMember: 0, enqueued: 5 });
    const st = await e.cli(['status', 'imp-1', '--json']);
    const s = JSON.parse(st.stdout);
    expect(s).toEqual({ batchId: 'imp-1', rows: 7, assigned: 0, alreadyMember: 0, failed: 0, invalid: 1, duplicate: 1, pending: 5, done: false });
    const list = JSON.parse((await e.cli(['status', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(list.map((b) => b.batchId)).toContain('imp-1');
    expect(list.find((b) => b.batchId === 'imp-1')).toMatchObject({ state: 'running', source: file, finishedAt: null });
  });

  it('--dry-run validates and counts but enqueues nothing', async () => {
    const res = await e.cli(['import', e.file('d.csv', csvRows(4)), '--batch', 'dry', '--dry-run', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ dryRun: true, rows: 4, valid: 4 });
    expect(await e.store.getBatch('dry')).toBeUndefined();
    expect(await queued()).toBe(0);
  });

  it('importing the same file into the same batch again adds nothing', async () => {
    const file = e.file('same.csv', csvRows(20));
    await e.cli(['import', file, '--batch', 'same']);
    expect(await queued()).toBe(20);
    // Finish half of it, then import again: neither waiting nor finished rows come back.
    const w = spawnCli(['worker', '--concurrency', '1', '--rate', '20'], e.env());
    await waitFor('some rows done', async () => ((await e.store.getBatch('same'))?.assigned ?? 0) >= 5);
    w.kill('SIGTERM');
    await stopped(w);
    const before = await e.store.getBatch('same');
    const again = await e.cli(['import', file, '--batch', 'same', '--json']);
    expect(again.code).toBe(0);
    // The pending rows are already queued: the import says it added none (it used to count them again).
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'resumed', rows: 20, enqueued: 0 });
    expect(await queued()).toBe(before!.pending);
    expect(await e.store.getBatch('same')).toMatchObject({ rows: 20, assigned: before!.assigned, pending: before!.pending });
    const postsBefore = e.sim.stats().posts;
    const w2 = spawnCli(['worker'], e.env());
    await e.waitDone('same');
    w2.kill('SIGTERM');
    await stopped(w2);
    expect(e.sim.stats().posts - postsBefore).toBe(before!.pending);
    expect(Object.values(e.sim.stats().perPair).every((n) => n === 1)).toBe(true);
  });

  it('refuses a different file under an existing batch id', async () => {
    await e.cli(['import', e.file('one.csv', csvRows(3)), '--batch', 'taken']);
    const res = await e.cli(['import', e.file('two.csv', csvRows(4)), '--batch', 'taken']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/batch taken already holds another file .*one\.csv/);
    expect(await queued()).toBe(3);
  });

  it('a crashed import run again adds only what is missing', async () => {
    const rows = 150_000;
    // Distinct pairs for 150k rows: the middle block varies too.
    const lines = ['accountUserId,groupId'];
    for (let i = 0; i < rows; i++) lines.push(`AUSR-1000-${String(Math.floor(i / 10000)).padStart(4, '0')}-${String(i % 10000).padStart(4, '0')},UGR-1234-5678`);
    const big = e.file('big.csv', lines.join('\n') + '\n');
    const child = spawnCli(['import', big, '--batch', 'crash'], e.env());
    const out = collect(child);
    // Kill it once the batch exists and some, but not all, jobs are in Redis.
    await waitFor('the import to be half way', async () => {
      const b = await e.store.getBatch('crash');
      const n = await queued();
      return b?.state === 'importing' && n > 1000 && n < rows ? n : undefined;
    }, 60_000, 20);
    child.kill('SIGKILL');
    await stopped(child);
    const partial = await queued();
    expect((await e.store.getBatch('crash'))?.state, out.stderr()).toBe('importing');
    expect(partial).toBeLessThan(rows);
    const again = await e.cli(['import', big, '--batch', 'crash', '--json'], {}, 120_000);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'resumed', rows, valid: rows });
    expect(await queued()).toBe(rows);
    expect(await e.store.getBatch('crash')).toMatchObject({ rows, pending: rows, state: 'running' });
  }, 180_000);

  it('ids that could change the URL path never reach the server, even with --loose-ids', async () => {
    const file = e.file(
      'traversal.csv',
      ['accountUserId,groupId', '../../admin,UGR-1234-5678', 'AUSR-1/../x,UGR-1234-5678', 'AUSR-1000-0000-0001,../UGR-1', '%2e%2e%2f,UGR-1234-5678', 'a?b=c,UGR-1234-5678', 'x#y,UGR-1234-5678', '..,UGR-1234-5678', 'AUSR-1000-0000-0002,UGR-1234-5678'].join('\n') + '\n',
    );
    const out = await e.cli(['run', file, '--batch', 'trav', '--loose-ids']);
    expect(out.code).toBe(2);
    expect(await e.store.getBatch('trav')).toMatchObject({ rows: 8, invalid: 7, assigned: 1 });
    const paths = e.sim.stats().paths;
    // Every request but the worker's preflight read (GET ...?offset=0&limit=1) is a POST of a row.
    expect(paths.filter((p) => p.startsWith('/public') && !p.includes('?'))).toEqual(['/public/v1/accounts/account-users/AUSR-1000-0000-0002/groups']);
  });

  it('--loose-ids sends other well-formed ids percent-encoded; the server answers for them', async () => {
    const file = e.file('loose.csv', 'accountUserId,groupId\nuser:42@example,UGR-1234-5678\n');
    const res = await e.cli(['run', file, '--batch', 'loose', '--loose-ids']);
    // The simulator checks the documented id pattern, so it answers 400 (a permanent failure) - but the path was encoded.
    expect(res.code).toBe(2);
    expect(e.sim.stats().paths.filter((p) => p.startsWith('/public') && !p.includes('?'))).toEqual(['/public/v1/accounts/account-users/user%3A42%40example/groups']);
  });
});
