import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncQueue, resolveSchedule, runNow, ScheduleState, setSchedule, type ScheduleInput } from '../../src/schedule/index.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, startE2E, type E2E } from '../helpers/e2e.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/schedule/', import.meta.url));
const SECRET = 'Bearer sync-SECRET-7c1d';
const NEVER = '0 0 1 1 *'; // schedules driven by run-now only

let e: E2E;
let syncQueue: Queue;
let http: Server;
let httpBase: string;
const workers: Array<{ proc: ChildProcess; out: ReturnType<typeof collect> }> = [];

beforeAll(async () => {
  e = await startE2E('sched-workers');
  syncQueue = createSyncQueue(e.redis, e.prefix);
  http = createServer((req, res) => {
    if (req.headers.authorization !== SECRET) res.writeHead(401).end();
    else res.writeHead(200, { 'content-type': 'text/csv' }).end(csvRows(3, 'UGR-7777-0001'));
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  // Three real worker processes. Short S1 timeouts and many attempts let the overlap test hold a batch open with a
  // hanging fault for as long as it needs, and finish it quickly once the fault is lifted.
  const env = e.env({ SYNC_AUTH: SECRET, S1_TIMEOUT_MS: '3000', S1_MAX_ATTEMPTS: '30', S1_CONCURRENCY: '8' });
  for (let i = 0; i < 3; i++) {
    const proc = spawnCli(['worker'], env);
    workers.push({ proc, out: collect(proc) });
  }
  await waitFor('three workers started', () => workers.every((w) => w.out.stdout().includes('"worker started"')), 20_000);
});

afterAll(async () => {
  for (const w of workers) w.proc.kill('SIGTERM');
  const codes = await Promise.all(workers.map(async (w) => (await stopped(w.proc))[0]));
  await syncQueue.close();
  http.closeAllConnections();
  http.close();
  await e.close();
  expect(codes, 'workers drained and exited cleanly').toEqual([0, 0, 0]);
});

const set = (input: Omit<ScheduleInput, 'cron'> & { cron?: string }) => setSchedule(syncQueue, resolveSchedule({ cron: NEVER, ...input }));
const state = (name: string) => new ScheduleState(e.redis, e.prefix, name).read();
const batchesOf = async (name: string) => (await e.store.listBatches(200)).filter((b) => b.meta.schedule === name).sort((a, b) => a.batchId.localeCompare(b.batchId));
const postsFor = (group: string) => Object.entries(e.sim.stats().perPair).filter(([pair]) => pair.endsWith(`|${group}`));
/** Waits until the wall clock is in a later second than `ms`, so a run-now gets a new tick (batch) id. */
const nextSecond = async (ms: number) => waitFor('the next second', () => Math.floor(Date.now() / 1000) > Math.floor(ms / 1000), 3000, 20);
const allAlive = () => workers.every((w) => w.proc.exitCode === null && w.proc.signalCode === null);

describe('schedule ticks in worker processes', () => {
  it('a missing, empty or broken source is a failed tick with its reason; workers keep running; a URL source sends the header from the env var, which is stored and logged nowhere', async () => {
    await set({ name: 'missing', source: join(e.dir, 'nowhere.csv') });
    await set({ name: 'empty', source: join(FIXTURES, 'empty.csv') });
    await set({ name: 'broken', source: join(FIXTURES, 'broken-unclosed-quote.csv') });
    await set({ name: 'remote', source: `${httpBase}/export.csv`, headerEnv: 'SYNC_AUTH' });
    await Promise.all(['missing', 'empty', 'broken', 'remote'].map((n) => runNow(syncQueue, n)));

    const failed = await waitFor('three failed ticks', async () => {
      const s = await Promise.all(['missing', 'empty', 'broken'].map(state));
      return s.every((x) => x.lastTickOutcome === 'failed') ? s : undefined;
    });
    expect(failed[0]!.lastError).toBe(`source ${join(e.dir, 'nowhere.csv')}: no such file or directory`);
    expect(failed[1]!.lastError).toMatch(/empty\.csv: the file is empty$/);
    expect(failed[2]!.lastError).toMatch(/broken-unclosed-quote\.csv is broken: source\.csv line 3: unclosed quote/);
    for (const s of failed) expect(s).toMatchObject({ ticks: 1, failedTicks: 1, lastBatchId: null });

    const remote = await waitFor('the URL tick to make a batch', async () => (await state('remote')).lastBatchId ?? undefined);
    expect(await e.waitDone(remote)).toMatchObject({ rows: 3, assigned: 3, meta: { schedule: 'remote', origin: `${httpBase}/export.csv` } });
    await waitFor('the report of the URL batch', () => existsSync(join(e.dir, 'reports', remote, 'report.json')));
    expect(allAlive(), 'no worker crashed').toBe(true);

    // The header value is in no Redis key and no log line.
    const values: string[] = [];
    for (const key of await e.redis.keys(`${e.prefix}*`)) {
      const type = await e.redis.type(key);
      if (type === 'string') values.push((await e.redis.getBuffer(key))!.toString('latin1'));
      else if (type === 'hash') values.push(JSON.stringify(await e.redis.hgetall(key)));
      else if (type === 'list') values.push(JSON.stringify(await e.redis.lrange(key, 0, -1)));
      else if (type === 'zset') values.push(JSON.stringify(await e.redis.zrange(key, 0, -1)));
      else if (type === 'set') values.push(JSON.stringify(await e.redis.smembers(key)));
      else if (type === 'stream') values.push(JSON.stringify(await e.redis.xrange(key, '-', '+')));
    }
    expect(values.join('\n')).toContain('SYNC_AUTH');
    expect(values.join('\n')).not.toContain('SECRET-7c1d');
    // Each failed tick is logged just after its state is written: wait until all three lines are out.
    const logs = await waitFor('three failed ticks logged', () => {
      const all = workers.map((w) => w.out.stdout() + w.out.stderr()).join('');
      return all.split('"schedule tick failed"').length - 1 >= 3 ? all : undefined;
    }, 10_000);
    expect(logs).not.toContain('SECRET-7c1d');
  });

  it('with three workers and a cron every second, each tick yields exactly one batch and no two batches overlap', async () => {
    const setAt = Date.now();
    const res = await e.cli(['schedule', 'set', 'every', '--cron', '* * * * * *', '--source', join(FIXTURES, 'nightly.csv')]);
    expect(res.code, res.stderr).toBe(0);
    await waitFor('three finished batches', async () => (await batchesOf('every')).filter((b) => b.done).length >= 3, 30_000);
    expect(await syncQueue.removeJobScheduler('every')).toBe(true);
    const removedAt = Date.now();
    // Let a tick that was running at removal finish, and its batch.
    await waitFor('no tick of the schedule left', async () => (await syncQueue.getJobs(['active', 'wait', 'delayed', 'prioritized'])).every((j) => !j.id?.startsWith('repeat:every:')));
    const batches = await batchesOf('every');
    for (const b of batches) await e.waitDone(b.batchId);
    const done = await batchesOf('every');
    const s = await state('every');

    // BullMQ hands each tick to one worker; a tick is counted once, and ends in exactly one batch, skip or failure.
    const dueSeconds = Math.floor(removedAt / 1000) - Math.floor(setAt / 1000);
    expect(s.ticks).toBeLessThanOrEqual(dueSeconds);
    expect(done.length + s.skippedTicks + s.failedTicks).toBe(s.ticks);
    expect(s.failedTicks).toBe(0);
    for (const b of done) {
      // Named after its tick, a whole second inside the window.
      const at = Date.parse(b.meta.tickAt!);
      expect(b.batchId).toBe(`every-${b.meta.tickAt!.replace(/\.000Z$/, 'Z').replace(/[-:]/g, '')}`);
      expect(at % 1000).toBe(0);
      expect(at).toBeGreaterThan(setAt);
      expect(at).toBeLessThanOrEqual(removedAt);
      expect(b).toMatchObject({ rows: 3, assigned: 3, pending: 0 });
    }
    // No overlap: each batch was created after the previous one finished.
    for (let i = 1; i < done.length; i++) expect(Date.parse(done[i]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(done[i - 1]!.finishedAt!));
    // Every batch sent each of its rows exactly once.
    const perPair = postsFor('UGR-1234-5678');
    expect(perPair).toHaveLength(3);
    for (const [, n] of perPair) expect(n).toBe(done.length);
    await waitFor('the report of the last batch', () => existsSync(join(e.dir, 'reports', done.at(-1)!.batchId, 'report.json')));
    expect(allAlive()).toBe(true);
  });

  it('a tick while the previous batch still runs is skipped and recorded; the next one after it finished makes a batch', async () => {
    await set({ name: 'slow', source: e.file('slow.csv', csvRows(2, 'UGR-5555-0001')) });
    // Every request for this group hangs (and times out, and is retried) until the fault is lifted.
    e.sim.addFault({ kind: 'hang', groupId: 'UGR-5555-0001' });
    const first = await runNow(syncQueue, 'slow');
    await waitFor('the first batch sending', () => postsFor('UGR-5555-0001').length > 0);
    expect((await e.store.getBatch(first.batchId))?.done).toBe(false);

    await nextSecond(Date.parse((await e.store.getBatch(first.batchId))!.meta.tickAt!));
    const second = await runNow(syncQueue, 'slow');
    expect(second.batchId).not.toBe(first.batchId);
    const skipped = await waitFor('the second tick to be skipped', async () => {
      const s = await state('slow');
      // Both fields: they are written by one pipeline, not atomically.
      return s.skippedTicks >= 1 && s.lastTickOutcome === 'skipped' ? s : undefined;
    });
    expect(skipped).toMatchObject({ ticks: 2, skippedTicks: 1, lastTickOutcome: 'skipped', lastBatchId: first.batchId });
    expect(skipped.lastError).toMatch(new RegExp(`^the previous batch ${first.batchId} is still running`));
    expect((await batchesOf('slow')).map((b) => b.batchId)).toEqual([first.batchId]);
    // Logged just after the state above is written, so it may reach the pipe a moment later.
    await waitFor('the skip to be logged', () => workers.map((w) => w.out.stdout()).join('').includes('"schedule tick skipped"'), 10_000);

    e.sim.clearFaults();
    const b1 = await e.waitDone(first.batchId);
    expect(b1).toMatchObject({ rows: 2, assigned: 2 });
    await nextSecond(Date.now());
    const third = await runNow(syncQueue, 'slow');
    expect(await e.waitDone(third.batchId)).toMatchObject({ rows: 2, assigned: 2 });
    expect((await batchesOf('slow')).map((b) => b.batchId)).toEqual([first.batchId, third.batchId]);
    expect(await state('slow')).toMatchObject({ ticks: 3, skippedTicks: 1, lastTickOutcome: 'batch', lastBatchId: third.batchId });
  });
});
