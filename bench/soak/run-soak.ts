/**
 * `npm run soak`: issue 15's soak. Three schedules tick 20,000-row batches round after round for `--minutes`, through
 * two worker processes, in two halves with a pause between them for every batch to expire; a Redis kill -9 + AOF
 * restart and a worker kill -9 land in the first half, an S1 outage in the second. Every batch is checked exactly,
 * worker RSS is compared over the run, and Redis memory after the second half's batches expired is compared with
 * after the first half's; the figures go to bench/results/soak.json. Everything runs on loopback and every process
 * it starts is stopped, also on Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchStore } from '../../src/queue/batch-store.js';
import { createAssignQueue } from '../../src/queue/assign-queue.js';
import { startSimulator } from '../../src/sim/index.js';
import { killAllChildren, runNode } from '../lib/child-process.js';
import { toolEnv } from '../lib/cli-env.js';
import type { BenchContext } from '../lib/context.js';
import { sampleLoad } from '../lib/load-sampler.js';
import { describeCode, describeMachine } from '../lib/machine.js';
import { CLI, RESULTS_DIR, ROOT } from '../lib/paths.js';
import { pollUntil } from '../lib/wait.js';
import { parseSoakArgs } from './soak-args.js';
import { awaitAndVerify, runNow, writeTickCsv, type BatchFigures } from './soak-batches.js';
import { planFaults, type FaultPlan, type FaultRecord } from './soak-faults.js';
import { keysLeft, rssFigures } from './soak-figures.js';
import { keySizes, memoryBreakdown, startSoakRedis, usedMemory, type SoakRedis } from './soak-redis.js';
import { SoakWorkerPool } from './soak-workers.js';
import type { Redis } from 'ioredis';
import type { Simulator } from '../../src/sim/index.js';
import type { SoakArgs } from './soak-args.js';

const PREFIX = '{soak}';
const SCHEDULES = ['nightly-a', 'nightly-b', 'nightly-c'];
// A nightly cron that does not come round during a soak started in the day; the ticks come from run-now.
const CRON = '0 3 * * *';
const WORKERS = 2;

/** What every step of the soak shares. */
interface Soak {
  args: SoakArgs;
  env: NodeJS.ProcessEnv;
  tmp: string;
  redis: SoakRedis;
  sim: Simulator;
  pool: SoakWorkerPool;
  store: BatchStore;
  retentionMs: number;
  sinceStart(): number;
  log(m: string): void;
}

/** Redis memory at a quiet point: the INFO breakdown, every key's size, and what the capped event streams hold. */
interface MemoryPoint {
  atSecond: number;
  breakdown: Awaited<ReturnType<typeof memoryBreakdown>>;
  keys: Map<string, number>;
  /** Bytes of BullMQ's `*:events` streams (trimmed to ~10,000 entries: they fill, then stay that size). */
  eventStreams: number;
  /** Entries the slow log held before it was reset for the reading (a ring of 128 entries with their arguments). */
  slowlogEntries: number;
}

async function memoryPoint(client: Redis, sinceStart: () => number): Promise<MemoryPoint> {
  // The slow log is Redis' own diagnostic ring (128 entries with up to 32 arguments each, ~170 KB full): it fills
  // once with slow script calls and then stays full, and it counts as data in INFO memory. Reset, so it is not read
  // as something the batches left.
  const slowlogEntries = Number(await client.slowlog('LEN'));
  await client.slowlog('RESET');
  const keys = await keySizes(client);
  const eventStreams = [...keys].filter(([k]) => k.endsWith(':events')).reduce((n, [, b]) => n + b, 0);
  return { atSecond: Math.round(sinceStart()), breakdown: await memoryBreakdown(client), keys, eventStreams, slowlogEntries };
}

/** Rounds of ticks for `durationMs`, with `plan`'s faults; returns each batch's figures and the rounds' start times. */
async function runRounds(soak: Soak, firstRound: number, durationMs: number, plan: FaultPlan, roundStarts: number[]) {
  const { args, env, tmp, redis, sim, pool, store, log, sinceStart } = soak;
  const faults = planFaults({ plan, durationMs, outageSeconds: args.outageSeconds, redis, sim, pool, sinceStart, log });
  const batches: BatchFigures[] = [];
  let peakMemory = 0;
  const until = performance.now() + durationMs;
  for (let round = firstRound; performance.now() < until; round++) {
    roundStarts[round] = performance.now();
    const ticks = await Promise.all(
      SCHEDULES.map(async (name, s) => {
        await writeTickCsv(join(tmp, name), s, round, args.rows);
        return { s, name, startedAt: performance.now(), batchId: await runNow(env, tmp, name) };
      }),
    );
    const done = await Promise.all(
      ticks.map((t) => awaitAndVerify({ store, sim, schedule: t.name, s: t.s, round, rows: args.rows, batchId: t.batchId, startedAt: t.startedAt, timeoutMs: soak.retentionMs * 0.9 })),
    );
    batches.push(...done);
    pool.sampleRss(round);
    peakMemory = Math.max(peakMemory, await usedMemory(redis.client));
    const bad = done.filter((b) => b.error || !b.countsAddUp || b.wrongAtSimulator > 0);
    log(`round ${round} done: ${done.map((b) => `${b.batchId} ${b.seconds} s`).join(', ')}${bad.length ? `; ${bad.length} NOT exact` : ''}`);
  }
  faults.cancel();
  await faults.settled();
  return { batches, faults: faults.records, peakMemory };
}

/** Waits until every batch's keys expired (workers idle), then reads the memory; undefined if they did not expire. */
async function afterExpiry(soak: Soak, what: string): Promise<MemoryPoint | undefined> {
  soak.log(`${what}: waiting for the batches to expire`);
  const expired = await pollUntil(async () => ((await soak.redis.client.keys(`${PREFIX}:batch:*`)).length === 0 ? true : undefined), soak.retentionMs + 120_000, 2000);
  if (!expired) return undefined;
  const point = await memoryPoint(soak.redis.client, soak.sinceStart);
  soak.log(`${what}: batches expired; used_memory_dataset ${point.breakdown.used_memory_dataset} B, event streams ${point.eventStreams} B`);
  return point;
}

/** Data left by batches at `point`: the dataset less the capped event streams. */
const residue = (p: MemoryPoint) => p.breakdown.used_memory_dataset - p.eventStreams;
const describePoint = (p: MemoryPoint | undefined) => p && { atSecond: p.atSecond, ...p.breakdown, eventStreamBytes: p.eventStreams, slowlogEntriesReset: p.slowlogEntries, dataWithoutEventStreams: residue(p) };

async function main(): Promise<number> {
  const args = parseSoakArgs(process.argv.slice(2));
  const t0 = performance.now();
  const sinceStart = () => (performance.now() - t0) / 1000;
  const log = (m: string) => console.error(`[${sinceStart().toFixed(0).padStart(5)} s] ${m}`);
  const startedAt = new Date().toISOString();
  const code = describeCode(ROOT);
  const load = sampleLoad();
  const tmp = mkdtempSync(join(tmpdir(), 'soak-'));
  const retentionMs = args.retentionDays * 86_400_000;
  const redis = await startSoakRedis();
  const token = `soak_${randomBytes(12).toString('hex')}`;
  const sim = await startSimulator({ token, rate: 0, latencyMs: 20, latencyJitterMs: 10 });
  // toolEnv reads only the Redis URL and the scratch folder of a bench context.
  const env = toolEnv({ redis: { url: redis.url }, tmp } as BenchContext, {
    prefix: PREFIX,
    apiUrl: sim.url,
    token,
    rateLimit: args.rate,
    // Eight attempts with the default 1 s exponential backoff span about two minutes: a row in flight when S1 goes
    // away for 60 s is retried past its return instead of ending failed.
    extra: { BATCH_RETENTION_DAYS: String(args.retentionDays), S1_MAX_ATTEMPTS: '8' },
  });
  const pool = new SoakWorkerPool(WORKERS, env, tmp, log);
  const store = new BatchStore(redis.client, PREFIX, Math.round(retentionMs / 1000));
  const queue = createAssignQueue(redis.client, PREFIX);
  // While Redis is down for the restart the queue reports connection errors; the soak's own reads simply wait.
  queue.on('error', () => undefined);
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await pool.stop().catch(() => undefined);
      killAllChildren();
      await queue.close().catch(() => undefined);
      await sim.close();
      await redis.close();
      rmSync(tmp, { recursive: true, force: true });
    })());
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // The soak is bounded: the rounds, one retention period per half for its last round and its expiry, slack.
  const hardStop = setTimeout(() => {
    log('the soak overran its time bound; stopping everything');
    void cleanup().finally(() => process.exit(2));
  }, args.minutes * 60_000 + 5 * retentionMs + 300_000);
  hardStop.unref();

  const soak: Soak = { args, env, tmp, redis, sim, pool, store, retentionMs, sinceStart, log };
  try {
    for (const name of SCHEDULES) {
      await runNode(CLI, ['schedule', 'set', name, '--cron', CRON, '--source', join(tmp, name)], env, { cwd: tmp, timeoutMs: 60_000 });
    }
    pool.start();
    await pollUntil(async () => ((await queue.getWorkersCount()) >= WORKERS ? true : undefined), 120_000, 250);
    const start = await memoryPoint(redis.client, sinceStart);
    log(`${WORKERS} workers up; Redis used_memory ${start.breakdown.used_memory} B at the start`);
    const halfMs = (args.minutes * 60_000) / 2;
    const roundStarts: number[] = [];
    // Redis at 20% and a worker at 45% of the whole rounds' time, S1 at 65%: inside rounds, with rows in flight.
    const first = await runRounds(soak, 0, halfMs, [['redis-kill9-aof-restart', 0.4], ['worker-kill9', 0.9]], roundStarts);
    const mid = await afterExpiry(soak, 'first half over');
    const second = await runRounds(soak, roundStarts.length, halfMs, [['s1-outage', 0.3]], roundStarts);
    const end = await afterExpiry(soak, 'second half over');
    for (const name of SCHEDULES) await runNode(CLI, ['schedule', 'remove', name], env, { cwd: tmp, timeoutMs: 60_000 });
    const exitCodes = await pool.stop();
    const result = figures({ soak, start, mid, end, halves: [first, second], roundStarts, exitCodes, startedAt, code, load: load.stop() });
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, 'soak.json');
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    const { pass, rounds, rowsChecked, workers, redisMemory, faults } = result;
    console.log(JSON.stringify({ pass, rounds, rowsChecked, rss: workers.rss, redisMemory, faults }, null, 2));
    console.log(`written ${file}`);
    return Object.values(pass).every(Boolean) ? 0 : 1;
  } finally {
    clearTimeout(hardStop);
    await cleanup();
  }
}

/** The soak's verdict and everything behind it, as written to soak.json. */
function figures(o: {
  soak: Soak;
  start: MemoryPoint;
  mid: MemoryPoint | undefined;
  end: MemoryPoint | undefined;
  halves: Array<{ batches: BatchFigures[]; faults: FaultRecord[]; peakMemory: number }>;
  roundStarts: number[];
  exitCodes: Array<number | null>;
  startedAt: string;
  code: ReturnType<typeof describeCode>;
  load: ReturnType<ReturnType<typeof sampleLoad>['stop']>;
}) {
  const { soak, start, mid, end } = o;
  const batches = o.halves.flatMap((h) => h.batches);
  const faults = o.halves.flatMap((h) => h.faults);
  const stats = soak.sim.stats();
  const heldPairs = [...soak.sim.memberships().values()].reduce((n, g) => n + g.size, 0);
  const heldExpected = batches.reduce((n, b) => n + (b.error ? 0 : b.assigned + b.alreadyMember), 0);
  const rss = rssFigures(soak.pool.all, o.roundStarts);
  const measured = rss.filter((r) => r.growthPct !== null);
  // What the second half's batches left beyond what the first half's left: a leak grows it, the fixed costs of
  // having run at all (Lua script caches, BullMQ's capped streams, dict sizes) do not.
  const secondHalfGrowth = mid && end ? residue(end) - residue(mid) : null;
  const pass = {
    exactCounts: batches.length > 0 && batches.every((b) => !b.error && b.countsAddUp && b.wrongAtSimulator === 0 && b.detailsMatch),
    noExtraMemberships: heldPairs === heldExpected,
    rssUnder10Pct: measured.length > 0 && measured.every((r) => (r.growthPct ?? 0) < 10),
    redisMemoryBack: secondHalfGrowth !== null && secondHalfGrowth <= mid!.breakdown.used_memory * 0.05,
    faultsInjected: faults.every((f) => f.startedAt !== null && !f.error),
    noUnexpectedExits: soak.pool.unexpectedExits.length === 0 && o.exitCodes.every((c) => c === 0),
  };
  return {
    startedAt: o.startedAt,
    durationSeconds: Math.round(soak.sinceStart()),
    args: soak.args,
    code: o.code,
    machine: describeMachine(),
    loadAverage1m: o.load,
    pass,
    rounds: o.roundStarts.length,
    roundsPerHalf: o.halves.map((h) => h.batches.length / SCHEDULES.length),
    batches,
    rowsChecked: batches.reduce((n, b) => n + (b.error ? 0 : b.rows), 0),
    faults,
    workers: { rss, exitCodesAtStop: o.exitCodes, unexpectedExits: soak.pool.unexpectedExits },
    redisMemory: {
      secondHalfGrowthBytes: secondHalfGrowth,
      peakAtRoundEndBytes: Math.max(...o.halves.map((h) => h.peakMemory)),
      start: describePoint(start),
      afterFirstHalf: describePoint(mid),
      afterSecondHalf: describePoint(end),
      keysLeftGrown: end ? keysLeft(start.keys, end.keys).slice(0, 20) : [],
    },
    simulator: { posts: stats.posts, byStatus: stats.byStatus, maxInAnySecond: stats.maxInAnySecond, maxInAnySecondAtSecond: atSecond(soak, stats.maxInAnySecondAt), pairsPostedMoreThanOnce: Object.values(stats.perPair).filter((n) => n > 1).length, membershipsHeld: heldPairs, membershipsExpected: heldExpected },
  };
}

/** A simulator arrival time (epoch ms) as seconds since the soak started, to set beside the faults' startedAt. */
function atSecond(soak: Soak, epochMs: number | null): number | null {
  if (epochMs === null) return null;
  return Math.round((soak.sinceStart() - (performance.timeOrigin + performance.now() - epochMs) / 1000) * 10) / 10;
}

main().then(
  (exitCode) => process.exit(exitCode),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    killAllChildren();
    process.exit(2);
  },
);
