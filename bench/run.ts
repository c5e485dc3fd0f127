/**
 * `npm run bench`: issue 4's suite. Starts a private redis-server and simulators, runs each scenario with its
 * baseline in the same run, prints one table and writes bench/results/latest.json. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from './lib/args.js';
import { killAllChildren } from './lib/child-process.js';
import type { BenchContext, Scenario } from './lib/context.js';
import { processTicks, watchForeignCpu } from './lib/foreign-cpu.js';
import { sampleLoad } from './lib/load-sampler.js';
import { describeCode, describeMachine } from './lib/machine.js';
import { RESULTS_DIR, ROOT } from './lib/paths.js';
import { startPrivateRedis } from './lib/redis-server.js';
import { errorRow, type ResultRow } from './lib/result-row.js';
import { formatMarkdown, formatTable } from './lib/table.js';
import { profileRuns } from './profile/profile-runs.js';
import { importScenario } from './scenarios/import-1m.js';
import { latencyScenario } from './scenarios/latency-default.js';
import { movingLimitScenario } from './scenarios/moving-limit.js';
import { rateLimitScenario } from './scenarios/rate-limit-200.js';
import { statusReportScenario } from './scenarios/status-report-1m.js';
import { unknownLimitBareScenario } from './scenarios/unknown-limit-bare.js';
import { unknownLimitScenario } from './scenarios/unknown-limit.js';
import { workerThroughputScenario } from './scenarios/worker-throughput.js';

interface ScenarioRun {
  id: string;
  title: string;
  seconds: number;
  /** CPU other processes on the machine used meanwhile, in cores on average (the machine may be shared). */
  foreignCpuCores: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

const SCENARIOS: Scenario[] = [
  importScenario,
  workerThroughputScenario,
  rateLimitScenario,
  unknownLimitScenario,
  unknownLimitBareScenario,
  latencyScenario,
  statusReportScenario,
  movingLimitScenario,
];

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const unknown = [...(args.only ?? [])].filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`--only: no scenario ${unknown.join(', ')} (ids: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadSampler = sampleLoad();
  // Read at the start: the build that `npm run bench` just made is of this tree.
  const code = describeCode(ROOT);
  const redis = await startPrivateRedis();
  const tmp = mkdtempSync(join(tmpdir(), 'bench-'));
  let n = 0;
  const log = (m: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);
  const ctx: BenchContext = {
    redis,
    quick: args.quick,
    repsOverride: args.reps,
    tmp,
    // The Redis is this run's own, so a counter makes prefixes unique; keep them about as long as the default
    // `{bulk-assign}` (13 characters): every key the tool writes starts with it, and Redis and ioredis pay per byte.
    prefix: (name) => `{${name}-${n++}}`,
    flush: async () => {
      await redis.client.flushall();
    },
    log,
  };
  const cleanup = async () => {
    killAllChildren();
    await redis.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    mkdirSync(RESULTS_DIR, { recursive: true });
    if (args.profile) {
      log('profiling the importer and a worker (node --cpu-prof)');
      const text = await profileRuns(ctx);
      writeFileSync(join(RESULTS_DIR, 'profile-summary.txt'), text + '\n');
      console.log(text);
      return 0;
    }
    const rows: ResultRow[] = [];
    const scenarios: ScenarioRun[] = [];
    for (const s of SCENARIOS) {
      if (args.only && !args.only.has(s.id)) continue;
      log(`scenario ${s.id}: ${s.title}`);
      const t0 = performance.now();
      const foreign = watchForeignCpu(() => processTicks(redis.pid));
      try {
        rows.push(...(await s.run(ctx)));
      } catch (err) {
        log(`  scenario ${s.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        rows.push(errorRow(s.id, err));
      }
      const run = { id: s.id, title: s.title, seconds: Math.round((performance.now() - t0) / 1000), foreignCpuCores: round2(foreign.stop() ?? NaN) };
      scenarios.push(run);
      log(`  scenario ${s.id} took ${run.seconds} s; other processes on the machine used ${run.foreignCpuCores} cores on average meanwhile`);
    }
    const durationSeconds = (performance.now() - started) / 1000;
    const machine = describeMachine();
    const load = loadSampler.stop();
    console.log(`\nbulk-assign bench (${args.quick ? 'quick' : 'full'} run, ${durationSeconds.toFixed(0)} s, ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}, redis ${machine.redis}; code ${code.commit}${code.dirty ? ' + uncommitted changes in src/ or jobs/' : ''}; 1-min load average during the run: mean ${load.mean}, max ${load.max})`);
    console.log('figures: median over repetitions (min..max); ratio = median of the per-repetition ratios (ours / the baseline run right after it, or / the mean of the two baseline runs around it where they bracket ours), or our median / the baseline median when the baseline is not run per repetition\n');
    console.log(formatTable(rows));
    const notes = rows.filter((r) => r.note);
    if (notes.length > 0) console.log(`\nnotes:\n${notes.map((r) => `  #${r.scenario} ${r.figure}: ${r.note}`).join('\n')}`);
    console.log(`\ncontention (CPU used by processes other than the bench's, in cores of ${machine.cpus}):`);
    console.log(scenarios.map((s) => `  #${s.id} ${s.seconds} s, others used ${s.foreignCpuCores} cores`).join('\n'));
    const failed = rows.filter((r) => r.pass === false).length;
    console.log(`\n${rows.filter((r) => r.pass === true).length} pass, ${failed} fail, ${rows.filter((r) => r.pass === null).length} informational`);
    const file = join(RESULTS_DIR, 'latest.json');
    writeFileSync(file, JSON.stringify({ startedAt, mode: args.quick ? 'quick' : 'full', repsOverride: args.reps ?? null, durationSeconds: Math.round(durationSeconds), code, machine, loadAverage1m: load, scenarios, rows, markdown: formatMarkdown(rows) }, null, 2) + '\n');
    console.log(`written ${file}`);
    // Failing targets are findings, not a crash of the bench: exit 1 only so CI can tell.
    return failed > 0 ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    killAllChildren();
    process.exit(2);
  },
);
