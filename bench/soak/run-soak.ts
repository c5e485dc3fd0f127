/**
 * `npm run soak`: issue 15's soak. Three schedules tick 20,000-row batches round after round for `--minutes`, through
 * two worker processes, while a Redis kill -9 + AOF restart, a worker kill -9 and an S1 outage are injected on a
 * timer; then every batch is checked exactly, worker RSS and Redis memory are compared, and the figures go to
 * bench/results/soak.json. Everything runs on loopback and every process it starts is stopped, also on Ctrl-C.
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
import { planFaults } from './soak-faults.js';
import { keysLeft, rssFigures } from './soak-figures.js';
import { keySizes, memoryBreakdown, startSoakRedis, usedMemory } from './soak-redis.js';
import { SoakWorkerPool } from './soak-workers.js';

const PREFIX = '{soak}';
const SCHEDULES = ['nightly-a', 'nightly-b', 'nightly-c'];
// A nightly cron that does not come round during a soak started in the day; the ticks come from run-now.
const CRON = '0 3 * * *';
const WORKERS = 2;

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
  const pool = new SoakWorkerPool(WORKERS, env, tmp);
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
  // The soak is bounded: the rounds, at most one retention period for the last round, one more for expiry, slack.
  const hardStop = setTimeout(() => {
    log('the soak overran its time bound; stopping everything');
    void cleanup().finally(() => process.exit(2));
  }, args.minutes * 60_000 + 3 * retentionMs + 300_000);
  hardStop.unref();

  try {
    for (const name of SCHEDULES) {
      await runNode(CLI, ['schedule', 'set', name, '--cron', CRON, '--source', join(tmp, name)], env, { cwd: tmp, timeoutMs: 60_000 });
    }
    pool.start();
    await pollUntil(async () => ((await queue.getWorkersCount()) >= WORKERS ? true : undefined), 120_000, 250);
    const memStartBreakdown = await memoryBreakdown(redis.client);
    const memStart = memStartBreakdown.used_memory;
    const keysAtStart = await keySizes(redis.client);
    log(`${WORKERS} workers up; Redis used_memory ${memStart} B at the start`);

    const durationMs = args.minutes * 60_000;
    const faults = planFaults({ durationMs, outageSeconds: args.outageSeconds, redis, sim, pool, sinceStart, log });
    const batches: BatchFigures[] = [];
    const roundStarts: number[] = [];
    let peakMemory = memStart;
    for (let round = 0; performance.now() - t0 < durationMs; round++) {
      roundStarts.push(performance.now());
      const ticks = await Promise.all(
        SCHEDULES.map(async (name, s) => {
          await writeTickCsv(join(tmp, name), s, round, args.rows);
          return { s, name, startedAt: performance.now(), batchId: await runNow(env, tmp, name) };
        }),
      );
      const done = await Promise.all(
        ticks.map((t) => awaitAndVerify({ store, sim, schedule: t.name, s: t.s, round, rows: args.rows, batchId: t.batchId, startedAt: t.startedAt, timeoutMs: retentionMs * 0.9 })),
      );
      batches.push(...done);
      pool.sampleRss(round);
      peakMemory = Math.max(peakMemory, await usedMemory(redis.client));
      const bad = done.filter((b) => b.error || !b.countsAddUp || b.wrongAtSimulator > 0);
      log(`round ${round} done: ${done.map((b) => `${b.batchId} ${b.seconds} s`).join(', ')}${bad.length ? `; ${bad.length} NOT exact` : ''}`);
    }
    faults.cancel();
    await faults.settled();

    for (const name of SCHEDULES) await runNode(CLI, ['schedule', 'remove', name], env, { cwd: tmp, timeoutMs: 60_000 });
    log('rounds over, schedules removed; waiting for the batches to expire');
    const expired = await pollUntil(async () => ((await redis.client.keys(`${PREFIX}:batch:*`)).length === 0 ? true : undefined), retentionMs + 120_000, 2000);
    const memEndBreakdown = await memoryBreakdown(redis.client);
    const memEnd = memEndBreakdown.used_memory;
    const left = keysLeft(keysAtStart, await keySizes(redis.client));
    const stats = sim.stats();
    const asked = new Set(batches.flatMap((b) => (b.error ? [] : [b.batchId])));
    const heldPairs = [...sim.memberships().values()].reduce((n, g) => n + g.size, 0);
    const exitCodes = await pool.stop();
    const rss = rssFigures(pool.all, roundStarts);

    const rowsChecked = batches.reduce((n, b) => n + (b.error ? 0 : b.rows), 0);
    const heldExpected = batches.reduce((n, b) => n + (b.error ? 0 : b.assigned + b.alreadyMember), 0);
    const resent = Object.values(stats.perPair).filter((n) => n > 1).length;
    const measured = rss.filter((r) => r.growthPct !== null);
    // BullMQ's events stream is trimmed to ~10,000 entries (maxLenEvents): it fills in the first round and then
    // stays that size. It is reported, and left out of the comparison; everything else must be back to the start.
    const eventStreams = left.filter((k) => k.key.endsWith(':events')).reduce((n, k) => n + k.grewBy, 0);
    // The data (used_memory_dataset) is what batches leave behind; the server's overhead moves with the Lua script
    // cache (workers load scripts as they first need them, and again after the restart), client buffers and the AOF.
    const dataGrowth = memEndBreakdown.used_memory_dataset - eventStreams - memStartBreakdown.used_memory_dataset;
    const memGrowthPct = Math.round(((memEnd - eventStreams - memStart) / memStart) * 1000) / 10;
    const pass = {
      exactCounts: batches.length > 0 && batches.every((b) => !b.error && b.countsAddUp && b.wrongAtSimulator === 0 && b.detailsMatch),
      noExtraMemberships: heldPairs === heldExpected,
      rssUnder10Pct: measured.length > 0 && measured.every((r) => (r.growthPct ?? 0) < 10),
      redisMemoryBack: expired === true && dataGrowth <= memStart * 0.05,
      faultsInjected: faults.records.every((f) => f.startedAt !== null && !f.error),
      noUnexpectedExits: pool.unexpectedExits.length === 0 && exitCodes.every((c) => c === 0),
    };
    const result = {
      startedAt,
      durationSeconds: Math.round(sinceStart()),
      args,
      code,
      machine: describeMachine(),
      loadAverage1m: load.stop(),
      pass,
      rounds: roundStarts.length,
      batches,
      rowsChecked,
      faults: faults.records,
      workers: { rss, exitCodesAtStop: exitCodes, unexpectedExits: pool.unexpectedExits },
      redisMemory: { startBytes: memStart, peakAtRoundEndBytes: peakMemory, endBytes: memEnd, eventStreamBytes: eventStreams, eventStreamLength: await redis.client.xlen(`${PREFIX}:assign:events`), growthPctWithoutEventStream: memGrowthPct, dataGrowthBytesWithoutEventStream: dataGrowth, start: memStartBreakdown, end: memEndBreakdown, batchesExpired: expired === true, keysLeftGrown: left.slice(0, 20) },
      simulator: { posts: stats.posts, byStatus: stats.byStatus, maxInAnySecond: stats.maxInAnySecond, pairsPostedMoreThanOnce: resent, membershipsHeld: heldPairs, membershipsExpected: heldExpected, batchesCounted: asked.size },
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, 'soak.json');
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify({ pass, rounds: result.rounds, rowsChecked, rss, redisMemory: result.redisMemory, faults: faults.records }, null, 2));
    console.log(`written ${file}`);
    return Object.values(pass).every(Boolean) ? 0 : 1;
  } finally {
    clearTimeout(hardStop);
    await cleanup();
  }
}

main().then(
  (exitCode) => process.exit(exitCode),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    killAllChildren();
    process.exit(2);
  },
);
