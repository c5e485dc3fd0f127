import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, logLines, redisValues, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
beforeEach(async () => {
  e = await startE2E('run');
});
afterEach(() => e.close());

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('bulk-assign run (as a subprocess)', () => {
  it('assigns every row, writes the report, logs one NDJSON line per row and exits 0', async () => {
    const file = e.file('clean.csv', csvRows(30));
    const out = join(e.dir, 'out');
    const res = await e.cli(['run', file, '--batch', 'clean-1', '--out', out]);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ batchId: 'clean-1', rows: 30, assigned: 30, failed: 0, invalid: 0, duplicate: 0, pending: 0, requests: 30, httpStatusCounts: { '200': 30 }, deprecation: null });
    for (const k of ['source', 'createdAt', 'finishedAt', 'failuresByReason', 'durationSeconds', 'ratePerSecond']) expect(report).toHaveProperty(k);
    expect(readFileSync(join(out, 'failures.csv'), 'utf8')).toBe('line,accountUserId,groupId,outcome,reason,httpStatus,attempts,message\n');
    const rowLines = logLines(res.stdout).filter((l) => l.msg === 'row outcome');
    expect(rowLines).toHaveLength(30);
    for (const l of rowLines) {
      expect(l).toMatchObject({ batchId: 'clean-1', outcome: 'assigned', httpStatus: 200, attempts: 1 });
      for (const k of ['jobId', 'line', 'accountUserId', 'groupId', 'durationMs']) expect(l).toHaveProperty(k);
    }
    expect(new Set(rowLines.map((l) => l.line)).size).toBe(30);
    expect(e.sim.stats().posts).toBe(30);
    expect(res.stdout).toContain('assigned 30');
    // Without a TTY: plain progress lines on stderr (no bar), the last one when the batch is done.
    expect(res.stderr).toMatch(/progress clean-1: 30\/30 rows, [\d.]+\/s, failures 0/);
    expect(res.stderr).not.toContain('\u001b[');
    // The worker also writes the report on its own when the last row lands.
    expect(existsSync(join(e.dir, 'reports', 'clean-1', 'report.json'))).toBe(true);
  });

  it('exits 2 when rows are invalid, duplicate or failed; failures.csv re-imports as is', async () => {
    const file = e.file(
      'mixed.csv',
      [
        'Account User ID;Group ID',
        'AUSR-1000-0000-0001;UGR-1234-5678',
        'AUSR-1000-0000-0001;UGR-1234-5678', // duplicate of line 2
        'AUSR-1000-0000-9999;UGR-1234-5678', // unknown to the simulator: 404
        'AUSR-bad;UGR-1234-5678', // invalid id
        ';UGR-1234-5678', // missing account user
        'AUSR-1000-0000-0002;=1+2', // a formula: invalid and must be defused in failures.csv
      ].join('\r\n') + '\r\n',
    );
    const out = join(e.dir, 'out');
    const res = await e.cli(['run', file, '--batch', 'mixed-1', '--out', out]);
    expect(res.code).toBe(2);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ rows: 6, assigned: 1, failed: 1, invalid: 3, duplicate: 1, pending: 0, failuresByReason: { 'http-404': 1 } });
    const csvText = readFileSync(join(out, 'failures.csv'), 'utf8');
    const records = parse(csvText, { columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => [r.line, r.outcome, r.reason])).toEqual([
      ['3', 'duplicate', 'duplicate-of-line-2'],
      ['4', 'failed', 'http-404'],
      ['5', 'invalid', 'bad-account-user-id'],
      ['6', 'invalid', 'missing-account-user'],
      ['7', 'invalid', 'bad-group-id'],
    ]);
    expect(records.find((r) => r.reason === 'http-404')).toMatchObject({ httpStatus: '404', attempts: '1' });
    expect(records.find((r) => r.reason === 'http-404')?.message?.length).toBeGreaterThan(0);
    // OWASP: the formula cell is defused in the file...
    expect(csvText).toContain("'=1+2");

    // ...and importing failures.csv as is reads the original value back (still invalid), as a new batch.
    const again = await e.cli(['import', join(out, 'failures.csv'), '--batch', 'mixed-2', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ batchId: 'mixed-2', rows: 5, valid: 2, invalid: 3, duplicate: 0 });
    const failures = [];
    for await (const f of e.store.failures('mixed-2')) failures.push(f);
    expect(failures.find((f) => f.reason === 'bad-group-id')?.groupId).toBe('=1+2');
  });

  it('refuses a rejected token before importing: exit 1, one line naming S1_API_TOKEN, nothing queued or sent', async () => {
    const file = e.file('many.csv', csvRows(200));
    const res = await e.cli(['run', file, '--batch', 'badtoken', '--concurrency', '4'], { S1_API_TOKEN: 'wrong-token' });
    expect(res.code).toBe(1);
    const errLines = res.stderr.trim().split('\n').filter((l) => l.startsWith('bulk-assign:'));
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/rejected the API token.*S1_API_TOKEN.*nothing was queued/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(e.sim.stats().posts).toBe(0);
    expect(e.sim.stats().authFailures).toBe(1);
    expect(await e.store.getBatch('badtoken')).toBeUndefined();
    // Only the limiter's own keys (the preflight read's slot; they expire in seconds): no batch, no queue.
    expect((await e.redis.keys(`${e.prefix}*`)).filter((k) => !k.startsWith(`${e.prefix}:rate:`))).toEqual([]);
    expect(res.stdout + res.stderr).not.toContain('wrong-token');

    // Fixed token, same command: the file runs once, as if the first attempt never happened.
    const good = await e.cli(['run', file, '--batch', 'badtoken', '--concurrency', '4']);
    expect(good.code).toBe(0);
    expect(await e.store.getBatch('badtoken')).toMatchObject({ rows: 200, assigned: 200, pending: 0 });
    expect(e.sim.stats().posts).toBe(200);
  });

  it('a token revoked mid-batch stops every worker with rows pending; the ban ends when S1 accepts the token again', async () => {
    // The token is revoked (403) once 10 rows went through: at 10/s the other 90 need 9 s more, so the revocation
    // lands mid-batch however slow the machine is.
    const file = e.file('revoked.csv', csvRows(100));
    const run = spawnCli(['run', file, '--batch', 'revoked', '--concurrency', '2', '--rate', '10'], e.env());
    const out = collect(run);
    await waitFor('10 rows through', () => e.sim.stats().posts >= 10);
    e.sim.addFault({ kind: 'status', status: 401 });
    const [code] = await stopped(run);
    const res = { code, stderr: out.stderr() };
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/rejected the API token.*S1_API_TOKEN/);
    const b = await e.store.getBatch('revoked');
    expect(b).toMatchObject({ rows: 100, state: 'paused', done: false });
    expect(b!.pending).toBeGreaterThan(0);

    // S1 accepts the same token again: no key to delete by hand, the next worker resumes the queue and finishes.
    e.sim.clearFaults();
    const worker = spawnCli(['worker'], e.env());
    const done = await e.waitDone('revoked');
    worker.kill('SIGTERM');
    await stopped(worker);
    expect(done).toMatchObject({ rows: 100, assigned: 100, pending: 0, failed: 0 });
  });

  it('a worker whose token S1 rejects exits 1 at its preflight, before taking a job', async () => {
    await e.cli(['import', e.file('w.csv', csvRows(3)), '--batch', 'w']);
    const res = await e.cli(['worker'], { S1_API_TOKEN: 'wrong-token' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/bulk-assign: .*rejected the API token.*S1_API_TOKEN/);
    expect(e.sim.stats().posts).toBe(0);
    expect(await e.store.getBatch('w')).toMatchObject({ pending: 3 });
  });

  it('a URL where nothing listens: exit 1 before importing, one line naming the URL', async () => {
    const file = e.file('nowhere.csv', csvRows(5));
    const res = await e.cli(['run', file, '--batch', 'nowhere'], { S1_API_URL: 'http://127.0.0.1:1' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/cannot reach S1 at http:\/\/127\.0\.0\.1:1.*S1_API_URL.*nothing was queued/);
    expect(await e.store.getBatch('nowhere')).toBeUndefined();
  });

  it('a URL that answers but is not S1: exit 1 naming S1_API_URL', async () => {
    const file = e.file('wrong-path.csv', csvRows(5));
    const res = await e.cli(['run', file, '--batch', 'wrongpath'], { S1_API_URL: `${e.sim.url}/not-the-api` });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/does not answer like the S1 API \(HTTP 404.*S1_API_URL/);
    expect(await e.store.getBatch('wrongpath')).toBeUndefined();
  });

  it('exits 1 with one line naming the fix when Redis is unreachable', async () => {
    const file = e.file('one.csv', csvRows(1));
    const res = await e.cli(['run', file], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1.*REDIS_URL/);
  });

  it('exits 1 on a structurally broken file, naming the line, and enqueues nothing', async () => {
    const file = e.file('broken.csv', `${csvRows(5)}AUSR-1000-0000-0100,"UGR-1234-5678\n${csvRows(5, 'UGR-1234-5678', 10).split('\n').slice(1).join('\n')}`);
    const res = await e.cli(['run', file, '--batch', 'broken-1']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/broken\.csv line 7/);
    expect(await e.store.getBatch('broken-1')).toBeUndefined();
    expect(e.sim.stats().posts).toBe(0);
  });

  it('exits 1 naming the setting on bad configuration', async () => {
    const res = await e.cli(['run', e.file('one.csv', csvRows(1)), '--rate', 'fast']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/S1_RATE_LIMIT \/ --rate/);
  });

  it('never writes the token to a log line, a report file or Redis', async () => {
    const file = e.file('secret.csv', csvRows(5) + 'AUSR-1000-0000-9999,UGR-1234-5678\n');
    // Pending jobs first: job data must not carry the token either.
    expect((await e.cli(['import', file, '--batch', 'secret-0'], { LOG_LEVEL: 'trace' })).code).toBe(0);
    const pending = await redisValues(e.redis, e.prefix);
    expect(pending.some((v) => v.includes('AUSR-1000-0000-0001')), 'the scan sees job data').toBe(true);
    expect(pending.filter((v) => v.includes(e.token))).toEqual([]);
    const out = join(e.dir, 'out');
    const res = await e.cli(['run', file, '--batch', 'secret-1', '--out', out], { LOG_LEVEL: 'trace' });
    expect(res.code).toBe(2);
    expect(res.stdout.length).toBeGreaterThan(0);
    expect(res.stdout + res.stderr).not.toContain(e.token);
    for (const f of allFiles(e.dir)) expect(readFileSync(f, 'utf8'), f).not.toContain(e.token);
    const values = await redisValues(e.redis, e.prefix);
    expect(values.length).toBeGreaterThan(10);
    expect(values.filter((v) => v.includes(e.token))).toEqual([]);
  });
});
