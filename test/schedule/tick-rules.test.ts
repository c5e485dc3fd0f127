import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { createAssignQueue } from '../../src/queue/assign-queue.js';
import { parseAssignJobId } from '../../src/queue/assign-job-id.js';
import { BatchStore } from '../../src/queue/batch-store.js';
import { batchKeys } from '../../src/queue/keys.js';
import { runTick, ScheduleState, scheduleKeys, type ScheduleDefinition, type TickContext } from '../../src/schedule/index.js';
import { redisUrl, tempDir, testConfig, uniquePrefix } from '../helpers/test-env.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/schedule/', import.meta.url));
const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
const SEC = 1000;

let redis: Redis;
let store: BatchStore;
let queue: Queue;
let config: Config;
let dir: string;
let ctx: TickContext;
const reported: string[] = [];

beforeAll(() => {
  redis = new Redis(redisUrl());
  const prefix = uniquePrefix('ticks');
  dir = tempDir('ticks');
  config = testConfig({ REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, REPORT_DIR: join(dir, 'reports'), WORKER_LOCK_MS: '2000' });
  store = new BatchStore(redis, prefix, 3600);
  queue = createAssignQueue(redis, prefix);
  ctx = { redis, store, queue, config, log: createLogger({ level: 'silent', pretty: false }), onBatchDone: (id) => reported.push(id) };
});
afterAll(async () => {
  await queue.close();
  await redis.quit();
});

const def = (name: string, source: string, extra: Partial<ScheduleDefinition> = {}): ScheduleDefinition => ({ v: 1, name, source, mode: 'full', skipExisting: false, looseIds: false, ...extra });
const state = (name: string) => new ScheduleState(redis, config.prefix, name).read();
const batchesOf = async (name: string) => (await store.listBatches(100)).filter((b) => b.meta.schedule === name).map((b) => b.batchId).sort();

/** Gives every pending row of a batch an outcome, as workers would. */
async function finish(batchId: string, outcomeOf: (line: number) => 'assigned' | 'failed' = () => 'assigned') {
  const b = (await store.getBatch(batchId))!;
  const codes = await store.outcomeCodes(batchId, 0, b.rows + 1);
  for (let line = 2; line <= b.rows + 1; line++) {
    // 0: pending, 'e': pending with its job queued; anything else is an outcome already.
    if (codes.charCodeAt(line) > 0 && codes[line] !== 'e') continue;
    const outcome = outcomeOf(line);
    await store.recordOutcomeCoalesced(batchId, { line, accountUserId: `AUSR-1000-0000-${String(line - 1).padStart(4, '0')}`, groupId: 'UGR-1234-5678', outcome, reason: outcome === 'failed' ? 'http-404' : '' });
  }
  expect((await store.getBatch(batchId))!.done).toBe(true);
}

function csv(n: number): string {
  const lines = ['accountUserId,groupId'];
  for (let i = 1; i <= n; i++) lines.push(`AUSR-1000-0000-${String(i).padStart(4, '0')},UGR-1234-5678`);
  return lines.join('\n') + '\n';
}

describe('a tick makes one batch, whatever happens to the job', () => {
  it('imports the source as <name>-<UTC tick time>, keeps a copy, and a re-run of the same tick makes nothing new', async () => {
    const d = def('once', join(FIXTURES, 'nightly.csv'));
    const first = await runTick(ctx, d, T0);
    expect(first).toEqual({ outcome: 'batch', batchId: 'once-20261127T020000Z', enqueued: 3 });
    expect(existsSync(join(config.reportDir, 'once-20261127T020000Z', 'source.csv'))).toBe(true);
    const b = await store.getBatch('once-20261127T020000Z');
    expect(b).toMatchObject({ rows: 3, pending: 3, meta: { schedule: 'once', mode: 'full', tickAt: '2026-11-27T02:00:00.000Z', origin: join(FIXTURES, 'nightly.csv') } });
    // The same tick again (a stalled job handed to another worker): same batch id, nothing added.
    expect(await runTick(ctx, d, T0)).toEqual({ outcome: 'repeat', batchId: 'once-20261127T020000Z' });
    expect(await batchesOf('once')).toEqual(['once-20261127T020000Z']);
    expect(await queue.getWaitingCount()).toBe(3);
  });

  it('a tick while the previous batch still runs is skipped and recorded; after it finished the next tick runs', async () => {
    const d = def('once', join(FIXTURES, 'nightly.csv'));
    const skipped = await runTick(ctx, d, T0 + SEC);
    expect(skipped).toMatchObject({ outcome: 'skipped', batchId: 'once-20261127T020001Z' });
    expect(skipped.reason).toBe('the previous batch once-20261127T020000Z is still running (3 of 3 rows pending)');
    expect(await state('once')).toMatchObject({ ticks: 3, skippedTicks: 1, lastTickOutcome: 'skipped', lastBatchId: 'once-20261127T020000Z' });
    await finish('once-20261127T020000Z');
    expect(await runTick(ctx, d, T0 + 2 * SEC)).toMatchObject({ outcome: 'batch', batchId: 'once-20261127T020002Z' });
    expect(await batchesOf('once')).toEqual(['once-20261127T020000Z', 'once-20261127T020002Z']);
    expect(await state('once')).toMatchObject({ ticks: 4, skippedTicks: 1, lastTickOutcome: 'batch', lastError: '', lastBatchId: 'once-20261127T020002Z' });
  });

  it('a tick whose worker died mid-import runs again: it waits out the dead lease and resumes the same batch', async () => {
    const d = def('resume', join(FIXTURES, 'nightly.csv'));
    const first = await runTick(ctx, d, T0);
    // Make it look cut off half-way: state back to importing, its jobs added but not yet marked queued (the crash
    // came between addBulk and the mark), the lock still held by the dead worker.
    await redis.hset(batchKeys(config.prefix, first.batchId).batch, 'state', 'importing');
    await redis.del(batchKeys(config.prefix, first.batchId).outcomes);
    await redis.set(scheduleKeys(config.prefix, 'resume').lock, 'dead-worker', 'PX', 700);
    const again = await runTick(ctx, d, T0);
    expect(again).toEqual({ outcome: 'batch', batchId: first.batchId, enqueued: 3 });
    expect(await batchesOf('resume')).toEqual([first.batchId]);
    expect(await store.getBatch(first.batchId)).toMatchObject({ state: 'running', rows: 3, pending: 3 });
    expect(await state('resume')).toMatchObject({ ticks: 2, skippedTicks: 0, failedTicks: 0 });
    // Counted again (it cannot tell), but added once: the jobs' ids were already there.
    expect((await queue.getWaiting(0, -1)).filter((j) => j.id?.startsWith(`${first.batchId}-`))).toHaveLength(3);
  });

  it('two ticks of one schedule at the same moment (two workers): one batch, the other skipped', async () => {
    const d = def('race', join(FIXTURES, 'nightly.csv'));
    const results = await Promise.all([runTick(ctx, d, T0), runTick(ctx, d, T0 + SEC), runTick(ctx, d, T0 + 2 * SEC)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['batch', 'skipped', 'skipped']);
    expect(await batchesOf('race')).toHaveLength(1);
    expect(await state('race')).toMatchObject({ ticks: 3, skippedTicks: 2 });
    expect(await redis.exists(scheduleKeys(config.prefix, 'race').lock), 'the lock is released').toBe(0);
  });
});

describe('a bad source is a failed tick with its reason, never a crash', () => {
  it.each([
    ['missing', undefined, /nope\.csv: no such file or directory$/],
    ['empty', join(FIXTURES, 'empty.csv'), /empty\.csv: the file is empty$/],
    ['header-only', join(FIXTURES, 'header-only.csv'), /header-only\.csv: no data rows \(only a header\)$/],
    ['broken', join(FIXTURES, 'broken-unclosed-quote.csv'), /broken-unclosed-quote\.csv is broken: source\.csv line 3: unclosed quote/],
  ] as const)('%s source', async (name, source, reason) => {
    const res = await runTick(ctx, def(name, source ?? join(dir, 'nope.csv')), T0);
    expect(res.outcome).toBe('failed');
    expect(res.reason).toMatch(reason);
    expect(res.reason).toMatch(/^source /);
    expect(await state(name)).toMatchObject({ ticks: 1, failedTicks: 1, lastTickOutcome: 'failed', lastError: res.reason, lastBatchId: null });
    expect(await store.getBatch(res.batchId)).toBeUndefined();
    expect(existsSync(join(config.reportDir, res.batchId)), 'no copy is left for a tick without a batch').toBe(false);
  });
});

describe('--mode changes', () => {
  it('sends only new pairs and those that did not succeed last time; the rest is already-member "unchanged"; 8 bytes per remembered pair', async () => {
    const src = join(dir, 'changes.csv');
    writeFileSync(src, csv(4));
    const d = def('delta', src, { mode: 'changes' });
    const first = await runTick(ctx, d, T0);
    expect(first).toMatchObject({ outcome: 'batch', enqueued: 4 });
    // Line 3 (user 0002) fails; the others are assigned.
    await finish(first.batchId, (line) => (line === 3 ? 'failed' : 'assigned'));

    writeFileSync(src, csv(6));
    const second = await runTick(ctx, d, T0 + SEC);
    expect(second).toMatchObject({ outcome: 'batch', enqueued: 3 });
    const b2 = (await store.getBatch(second.batchId))!;
    expect(b2).toMatchObject({ rows: 6, alreadyMember: 3, pending: 3, meta: { mode: 'changes' } });
    expect(await store.reasonCounts(second.batchId)).toEqual({ 'already-member|unchanged': 3 });
    const k = scheduleKeys(config.prefix, 'delta');
    expect(await redis.strlen(k.memory)).toBe(3 * 8);
    expect(await redis.exists(k.pairs(first.batchId)), 'the folded pair list is dropped').toBe(0);
    // Sent this time: lines 3 (failed before), 6 and 7 (new).
    const sent = (await queue.getWaiting(0, -1))
      .map((j) => parseAssignJobId(j.id)!)
      .filter((row) => row.batchId === second.batchId)
      .map((row) => row.line)
      .sort();
    expect(sent).toEqual([3, 6, 7]);

    await finish(second.batchId);
    const third = await runTick(ctx, d, T0 + 2 * SEC);
    // Everything succeeded last time (the unchanged rows count as successes): nothing to send, the batch is done at once.
    expect(third).toMatchObject({ outcome: 'batch', enqueued: 0 });
    expect(await store.getBatch(third.batchId)).toMatchObject({ rows: 6, alreadyMember: 6, done: true });
    expect(reported).toContain(third.batchId);
    expect(await redis.strlen(k.memory)).toBe(6 * 8);
  });
});
