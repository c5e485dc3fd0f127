import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { createAssignQueue } from '../../src/queue/assign-queue.js';
import { DEMO_DIRECTORY, seedDirectory } from '../../src/sim/index.js';
import { redisValues, startE2E, type E2E } from '../helpers/e2e.js';

const BY_EMAIL = fileURLToPath(new URL('../../examples/by-email.csv', import.meta.url));

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

async function queued(t: E2E): Promise<number> {
  const q = createAssignQueue(t.redis, t.prefix);
  const n = await q.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized', 'completed', 'failed');
  await q.close();
  return n;
}

const listPaths = (t: E2E) => t.sim.stats().paths.filter((p) => p.includes('/account-users?') || p.includes('/user-groups?'));

describe('rows named by e-mail and group name, resolved through the simulator', () => {
  it('run of examples/by-email.csv: resolved rows assigned, the rest invalid with named reasons, exit 2', async () => {
    const t = (e = await startE2E('names-run', { ...DEMO_DIRECTORY }));
    const out = join(t.dir, 'out');
    const res = await t.cli(['run', BY_EMAIL, '--batch', 'by-email', '--out', out], {}, 60_000);
    expect(res.code, res.stderr).toBe(2);
    const failures = parse(readFileSync(join(out, 'failures.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const reasons = Object.fromEntries(failures.map((f) => [f.line, f.reason]));
    expect(reasons).toEqual({
      '26': 'ambiguous-email',
      '27': 'ambiguous-email',
      '28': 'ambiguous-group-name',
      '29': 'ambiguous-group-name',
      '30': 'unknown-email',
      '31': 'unknown-email',
      '32': 'unknown-group',
      '33': 'bad-email',
      '34': 'duplicate-of-line-2',
    });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ rows: 33, assigned: 24, invalid: 8, duplicate: 1, failed: 0 });
    // Nothing unresolved was sent: one call per resolved row, and each went to the id the directory gives.
    expect(t.sim.stats().posts).toBe(24);
    const members = t.sim.memberships();
    expect([...members.values()].reduce((n, s) => n + s.size, 0)).toBeGreaterThanOrEqual(24);
    expect(res.stdout + res.stderr).not.toContain(t.token);

    // results.csv: every data row, the eight columns, then the file's own columns in order.
    const resultsText = readFileSync(join(out, 'results.csv'), 'utf8');
    expect(resultsText.split('\n')[0]).toBe('line,accountUserId,groupId,outcome,reason,httpStatus,attempts,message,email,groupName,note');
    const results = parse(resultsText, { columns: true }) as Array<Record<string, string>>;
    expect(results).toHaveLength(33);
    expect(results[0]).toMatchObject({ line: '2', outcome: 'assigned', email: 'jane.doe@acme.example', groupName: 'Finance', note: 'new starter' });
    expect(results[0]!.accountUserId).toMatch(/^AUSR-5000-/);
    // An unknown group still shows the user it resolved.
    expect(results.find((r) => r.line === '32')).toMatchObject({ outcome: 'invalid', reason: 'unknown-group', groupName: 'Travel' });
    expect(results.find((r) => r.line === '32')!.accountUserId).toMatch(/^AUSR-5000-/);
    // failures.csv keeps its eight columns and gains the same trailing ones.
    expect(readFileSync(join(out, 'failures.csv'), 'utf8').split('\n')[0]).toBe('line,accountUserId,groupId,outcome,reason,httpStatus,attempts,message,email,groupName,note');
    expect(failures.find((f) => f.line === '30')).toMatchObject({ accountUserId: '', email: 'nobody@unknown.example', note: 'unknown-email' });
  });

  it('failures.csv imports again as it is, the same rows falling into the same reasons; cells stay defused', async () => {
    const t = (e = await startE2E('names-again', { ...DEMO_DIRECTORY }));
    const file = t.file('with-formula.csv', 'email,groupName,note\njane.doe@acme.example,No Such Group,"=HYPERLINK(""http://x"")"\nnobody@unknown.example,Finance,+1\n');
    const out = join(t.dir, 'out');
    const res = await t.cli(['run', file, '--batch', 'first', '--out', out], {}, 60_000);
    expect(res.code, res.stderr).toBe(2);
    const failuresText = readFileSync(join(out, 'failures.csv'), 'utf8');
    expect(failuresText).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toContain(`'+1`);
    const again = await t.cli(['import', join(out, 'failures.csv'), '--dry-run', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 2, invalid: 2, reasons: { 'unknown-group': 1, 'unknown-email': 1 } });
  });

  it('reads no list when the file names everything by id, and only the list a name column needs', async () => {
    const t = (e = await startE2E('names-lists', { ...DEMO_DIRECTORY }));
    const ids = t.file('ids.csv', 'accountUserId,groupId,email\nAUSR-5000-0000-0001,UGR-6000-0001,\n');
    expect((await t.cli(['import', ids, '--batch', 'ids'])).code).toBe(0);
    expect(listPaths(t)).toEqual([]);
    const groups = t.file('groups.csv', 'accountUserId,groupName\nAUSR-5000-0000-0001,Finance\n');
    const res = await t.cli(['import', groups, '--batch', 'groups', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ valid: 1, invalid: 0, enqueued: 1 });
    expect(listPaths(t).length).toBeGreaterThan(0);
    expect(listPaths(t).every((p) => p.includes('/user-groups?'))).toBe(true);
    // The job holds the resolved id, so workers, retries and skip-existing work as for an id file.
    const job = await t.redis.hgetall(`${t.prefix}:assign:groups-2`);
    expect(JSON.parse(job.data!)).toEqual({ u: 'AUSR-5000-0000-0001', g: 'UGR-6000-0000' });
  });

  it('a list call that keeps failing fails the import with one line, exit 1, nothing written', async () => {
    const t = (e = await startE2E('names-fail', { ...DEMO_DIRECTORY }));
    t.sim.addFault({ call: 'list-account-users', kind: 'status', status: 503 });
    const res = await t.cli(['import', BY_EMAIL, '--batch', 'fails'], { S1_MAX_ATTEMPTS: '2' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n').filter((l) => !l.startsWith('{'))).toEqual([expect.stringMatching(/cannot read the account users .*HTTP 503/)]);
    expect(await t.store.getBatch('fails')).toBeUndefined();
    expect(await queued(t)).toBe(0);
  });

  it('a 429 or a 5xx on a list page is retried under the workers rules, and the import goes on', async () => {
    const t = (e = await startE2E('names-retry', { ...DEMO_DIRECTORY }));
    t.sim.addFault({ call: 'list-account-users', offset: 100, kind: 'status', status: 429, retryAfter: '1', times: 1 });
    t.sim.addFault({ call: 'list-user-groups', kind: 'status', status: 500, times: 1 });
    const res = await t.cli(['import', BY_EMAIL, '--batch', 'retried', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ rows: 33, valid: 24, invalid: 8, duplicate: 1, enqueued: 24 });
  });

  it('list pages go through the global limiter: a server that allows S1_RATE_LIMIT per second never answers 429', async () => {
    // 3,000 users and 40 groups are 31 pages: sent back to back they would meet the server's limit within a second.
    const t = (e = await startE2E('names-limit', { ...DEMO_DIRECTORY, directoryUsers: 3000, rate: 10 }));
    const res = await t.cli(['import', BY_EMAIL, '--dry-run', '--json'], { S1_RATE_LIMIT: '10' }, 60_000);
    expect(res.code, res.stderr).toBe(0);
    const s = t.sim.stats();
    expect(s.listCalls).toBe(31);
    expect(s.byStatus['429']).toBeUndefined();
  });

  it('--dry-run resolves, counts each reason and says what resolution costs; writes nothing', async () => {
    const t = (e = await startE2E('names-dry', { ...DEMO_DIRECTORY }));
    const res = await t.cli(['import', BY_EMAIL, '--dry-run', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const got = JSON.parse(res.stdout);
    expect(got).toMatchObject({
      dryRun: true,
      rows: 33,
      valid: 24,
      invalid: 8,
      duplicate: 1,
      reasons: { 'ambiguous-email': 2, 'ambiguous-group-name': 2, 'unknown-email': 2, 'unknown-group': 1, 'bad-email': 1 },
      // 1,000 users and 40 groups at 100 a page; 200 requests/s in the test env.
      resolution: { pages: 11, estimatedSeconds: 1 },
    });
    const plain = await t.cli(['import', BY_EMAIL, '--dry-run']);
    expect(plain.stdout).toMatch(/24 valid, 8 invalid, 1 duplicate \(.*unknown-email 2.*\); names resolved from 11 list pages, about 1s at 200 requests\/s; nothing enqueued/);
    // Only the shared rate limiter's keys: no batch, no job.
    expect((await t.redis.keys(`${t.prefix}*`)).filter((k) => !k.startsWith(`${t.prefix}:rate:`))).toEqual([]);
    expect(await queued(t)).toBe(0);
  });

  it('the token and the directory e-mail list never reach the logs or Redis', async () => {
    const t = (e = await startE2E('names-secrets', { ...DEMO_DIRECTORY }));
    const res = await t.cli(['import', BY_EMAIL, '--batch', 'secrets'], { LOG_LEVEL: 'info' });
    expect(res.code, res.stderr).toBe(0);
    const everything = res.stdout + res.stderr + (await redisValues(t.redis, t.prefix)).join('\n');
    expect(everything).not.toContain(t.token);
    // The addresses of the directory that the file does not name: read from S1, they must go nowhere.
    const directory = seedDirectory({ ...DEMO_DIRECTORY });
    const file = readFileSync(BY_EMAIL, 'utf8').toLowerCase();
    const unnamed: string[] = [];
    for (let i = 0; i < directory.userCount; i++) {
      const email = directory.user(i).email?.toLowerCase();
      if (email !== undefined && !file.includes(email)) unnamed.push(email);
    }
    expect(unnamed.length).toBeGreaterThan(900);
    const lower = everything.toLowerCase();
    expect(unnamed.filter((m) => lower.includes(m))).toEqual([]);
  });
});
