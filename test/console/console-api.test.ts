import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { csvRows } from '../helpers/e2e.js';
import { startConsoleHarness, uploadForm, type ConsoleHarness } from './console-harness.js';

// One console, simulator, Redis prefix and worker set for the file: each test uses its own batch ids.
let h: ConsoleHarness;
beforeAll(async () => {
  h = await startConsoleHarness('console-api', { CONSOLE_MAX_UPLOAD_MB: '0.05' });
});
afterAll(() => h.close());

const U = (n: number) => `AUSR-1000-0000-${String(n).padStart(4, '0')}`;
const everyBody: string[] = [];
async function body(res: Response): Promise<string> {
  const text = await res.text();
  everyBody.push(text, JSON.stringify([...res.headers]));
  return text;
}
async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return JSON.parse(await body(res)) as T;
}

describe('the JSON API answers as the CLI prints', () => {
  it('dry run, import, status, list, events, downloads and retry, over a real worker and simulator', async () => {
    h.e.sim.addFault({ accountUserId: U(2), kind: 'status', status: 503 });
    h.e.sim.addFault({ accountUserId: U(3), kind: 'status', status: 503 });
    const csv = csvRows(5);

    const dry = await h.api('/api/batches', { method: 'POST', body: uploadForm('five.csv', csv, { dryRun: 'true' }) });
    expect(dry.status).toBe(200);
    expect(await json(dry)).toEqual({ dryRun: true, rows: 5, valid: 5, invalid: 0, duplicate: 0, reasons: {} });
    expect(await h.e.store.getBatch('api-1')).toBeUndefined();

    const created = await h.api('/api/batches', { method: 'POST', body: uploadForm('five.csv', csv, { batch: 'api-1' }) });
    expect(created.status).toBe(201);
    const imported = await json(created);
    // The same object `import --json` prints for the same file.
    const cli = await h.e.cli(['import', h.e.file('five.csv', csv), '--batch', 'api-cli', '--json']);
    expect(Object.keys(imported)).toEqual(Object.keys(JSON.parse(cli.stdout) as object));
    expect(imported).toEqual({ ...(JSON.parse(cli.stdout) as object), batchId: 'api-1' });

    const one = await json(await h.api('/api/batches/api-1'));
    const cliStatus = await h.e.cli(['status', 'api-1', '--json']);
    expect(one).toEqual(JSON.parse(cliStatus.stdout));
    const list = await json<unknown[]>(await h.api('/api/batches'));
    expect(list).toEqual(JSON.parse((await h.e.cli(['status', '--json'])).stdout));

    // Events: status objects until the batch finishes, then `end`; a worker started after the stream opened.
    const events = await h.api('/api/batches/api-1/events');
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    h.startWorker();
    const stream = await body(events);
    const statuses = [...stream.matchAll(/event: status\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!) as { pending: number; done: boolean });
    expect(statuses[0]).toMatchObject({ batchId: 'api-1', pending: 5, done: false });
    expect(statuses[statuses.length - 1]).toMatchObject({ assigned: 3, failed: 2, pending: 0, done: true });
    expect(stream).toMatch(/event: end\n/);

    const report = await json(await h.api('/api/batches/api-1/report.json'));
    expect(report).toMatchObject({ batchId: 'api-1', assigned: 3, failed: 2, failuresByReason: { 'http-503': 2 } });
    const failures = await h.api('/api/batches/api-1/failures.csv');
    expect(failures.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await body(failures)).trim().split('\n')).toHaveLength(3);
    const results = (await body(await h.api('/api/batches/api-1/results.csv'))).trim().split('\n');
    expect(results[0]).toBe('line,accountUserId,groupId,outcome,reason,httpStatus,attempts,message');
    expect(results.slice(1).map((l) => l.split(',')[3])).toEqual(['assigned', 'failed', 'failed', 'assigned', 'assigned']);

    // Retry: what `retry --json` prints; the rows are assigned once the simulator accepts them.
    h.e.sim.clearFaults();
    const retried = await h.api('/api/batches/api-1/retry', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(retried.status).toBe(200);
    expect(await json(retried)).toEqual({ batchId: 'api-1', retried: 2, byReason: { 'http-503': 2 } });
    const done = await waitFor('the retried rows', async () => {
      const b = await h.e.store.getBatch('api-1');
      return b?.done && b.assigned === 5 ? b : undefined;
    });
    expect(done).toMatchObject({ failed: 0, pending: 0 });
    const chosen = await h.api('/api/batches/api-1/retry', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reasons: ['http-404'], all: false }) });
    expect(await json(chosen)).toEqual({ batchId: 'api-1', retried: 0, byReason: {} });
    await h.stopWorkers();
  });

  it('errors are problem+json: a broken file 400 with the CLI message, unknown ids 404, traversal 400, too large 413', async () => {
    const broken = 'accountUserId,groupId\nAUSR-1000-0000-0001,"UGR-1234-5678\n';
    const res = await h.api('/api/batches', { method: 'POST', body: uploadForm('broken.csv', broken, { batch: 'api-broken' }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const p = await json<{ status: number; detail: string; title: string; type: string }>(res);
    const cli = await h.e.cli(['import', h.e.file('broken.csv', broken), '--batch', 'api-broken']);
    expect(cli.stderr.trim()).toBe(`bulk-assign: ${p.detail}`);
    expect(p).toMatchObject({ status: 400, title: 'Bad Request', type: 'about:blank' });
    expect(await h.e.store.getBatch('api-broken')).toBeUndefined();

    expect((await h.api('/api/batches/no-such-batch')).status).toBe(404);
    expect((await h.api('/api/batches/no-such-batch/report.json')).status).toBe(404);
    for (const path of ['/api/batches/..%2F..%2Fetc%2Fpasswd/report.json', '/api/batches/..%2Freports/failures.csv', '/api/schedules/..%2Fx/run-now']) {
      const r = await h.api(path, { method: path.endsWith('run-now') ? 'POST' : 'GET' });
      expect([400, 404], path).toContain(r.status);
      expect(await body(r)).not.toMatch(/root:/);
    }
    expect((await h.api('/api/schedules/no-such-schedule/run-now', { method: 'POST' })).status).toBe(404);
    expect(await json(await h.api('/api/schedules'))).toEqual([]);

    // CONSOLE_MAX_UPLOAD_MB is 0.05 here (51,200 bytes): a bigger file is refused and creates nothing.
    const big = csvRows(3000);
    expect(big.length).toBeGreaterThan(52_000);
    const tooBig = await h.api('/api/batches', { method: 'POST', body: uploadForm('big.csv', big, { batch: 'api-big' }) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await json<{ detail: string }>(tooBig)).detail).toMatch(/larger than 0.05 MiB .*CONSOLE_MAX_UPLOAD_MB/);
    expect(await h.e.store.getBatch('api-big')).toBeUndefined();
  });
});

describe('schedules', () => {
  it('lists schedules as `schedule list --json` prints them and queues a tick with run-now', async () => {
    const set = await h.e.cli(['schedule', 'set', 'nightly-web', '--cron', '0 2 * * *', '--source', h.e.file('nightly.csv', csvRows(2))]);
    expect(set.code, set.stderr).toBe(0);
    const list = await json<unknown[]>(await h.api('/api/schedules'));
    expect(list).toEqual(JSON.parse((await h.e.cli(['schedule', 'list', '--json'])).stdout));
    const tick = await json<{ name: string; batchId: string; jobId: string }>(await h.api('/api/schedules/nightly-web/run-now', { method: 'POST' }));
    expect(tick.name).toBe('nightly-web');
    expect(tick.batchId).toMatch(/^nightly-web-\d{8}T\d{6}Z$/);
    expect(tick.jobId).toMatch(/^run-now-nightly-web-/);
    const page = await body(await h.api('/schedules'));
    expect(page).toContain('action="/schedules/nightly-web/run-now"');
    expect(page).toContain('0 2 * * *');
  });
});

describe('console security', () => {
  it('401 without the token, a login redirect for pages, CSP on every page, the CSRF 403', async () => {
    for (const path of ['/api/batches', '/api/batches/x', '/api/schedules', '/queues/api/queues']) {
      const r = await h.api(path, { auth: false });
      expect(r.status, path).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const wrong = await h.api('/api/batches', { headers: { authorization: 'Bearer not-the-token' }, auth: false });
    expect(wrong.status).toBe(401);
    const page = await h.api('/batches/x', { auth: false });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fbatches%2Fx');
    for (const path of ['/login', '/', '/upload', '/schedules']) {
      const r = await h.api(path);
      expect(r.headers.get('content-security-policy'), path).toMatch(/default-src 'none'; script-src 'self'/);
    }
    expect((await h.api('/queues')).headers.get('content-security-policy')).toMatch(/script-src 'self'/);

    const bad = await h.api('/login', { method: 'POST', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=wrong' });
    expect(bad.status).toBe(401);
    const login = await h.api('/login', { method: 'POST', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${h.consoleToken}&next=%2Fupload` });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/upload');
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(h.consoleToken);
    const cookie = setCookie.split(';')[0]!;
    expect((await h.api('/api/batches', { auth: false, headers: { cookie } })).status).toBe(200);

    const origin = new URL(h.url).origin;
    const post = (o: string | undefined) => h.api('/api/batches/no-such-batch/retry', { method: 'POST', auth: false, headers: { cookie, 'content-type': 'application/json', ...(o ? { origin: o } : {}) }, body: '{}' });
    expect((await post('https://evil.example')).status).toBe(403);
    expect((await post(undefined)).status).toBe(403);
    expect((await post(origin)).status).toBe(404);
    // The bearer token is not sent by browsers on their own: no Origin needed.
    expect((await h.api('/api/batches/no-such-batch/retry', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    // Bull Board is read-only: pausing the row queue from it is refused, and the queue keeps running.
    const pause = await h.api('/queues/api/queues/assign/pause', { method: 'PUT' });
    expect(pause.status).toBe(405);
    expect(await h.e.redis.hexists(`${h.e.prefix}:assign:meta`, 'paused')).toBe(0);
    // Logged out: the session is gone.
    await h.api('/logout', { method: 'POST', auth: false, headers: { cookie, origin } });
    expect((await h.api('/api/batches', { auth: false, headers: { cookie } })).status).toBe(401);
  });

  it('escapes everything from a file in HTML, and never sends the S1 token', async () => {
    const evil = 'accountUserId,groupId\n<script>alert(1)</script>,UGR-1234-5678\nAUSR-1000-0000-0001,"<img src=x onerror=alert(2)>"\n';
    const created = await h.api('/api/batches', { method: 'POST', body: uploadForm('evil<b>.csv', evil, { batch: 'api-evil' }) });
    expect(created.status).toBe(201);
    const page = await body(await h.api('/batches/api-evil'));
    expect(page).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(page).toContain('<td>&lt;img src=x onerror=alert(2)&gt;</td>');
    expect(page).not.toMatch(/<script>alert|<img src=x/);
    const plan = await h.api('/upload', { method: 'POST', body: uploadForm('evil.csv', evil) });
    const planHtml = await body(plan);
    expect(planHtml).toMatch(/bad-group-id/);
    expect(planHtml).not.toMatch(/<script>alert|<img src=x/);

    expect(everyBody.join('\n')).not.toContain(h.e.token);
    expect(h.output()).not.toContain(h.e.token);
  });
});

describe('bulk-assign serve', () => {
  it('refuses to start without CONSOLE_TOKEN (exit 1, one line)', async () => {
    const r = await h.e.cli(['serve', '--port', '0'], { CONSOLE_TOKEN: '' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/CONSOLE_TOKEN/);
  });
});
