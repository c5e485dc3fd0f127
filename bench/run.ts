/**
 * `npm run bench`: issue 4's suite. Starts a private redis-server and simulators, runs each scenario with its
 * baseline in the same run, prints one table and writes bench/results/latest.json. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from './lib/args.js';
import { killAllChildren } from './lib/child-process.js';
import type { BenchContext, Scenario } from './lib/context.js';
import { describeMachine } from './lib/machine.js';
import { RESULTS_DIR } from './lib/paths.js';
import { startPrivateRedis } from './lib/redis-server.js';
import { errorRow, type ResultRow } from './lib/result-row.js';
import { formatMarkdown, formatTable } from './lib/table.js';
import { profileRuns } from './profile/profile-runs.js';
import { importScenario } from './scenarios/import-1m.js';
import { latencyScenario } from './scenarios/latency-default.js';
import { rateLimitScenario } from './scenarios/rate-limit-200.js';
import { statusReportScenario } from './scenarios/status-report-1m.js';
import { unknownLimitScenario } from './scenarios/unknown-limit.js';
import { workerThroughputScenario } from './scenarios/worker-throughput.js';

const SCENARIOS: Scenario[] = [importScenario, workerThroughputScenario, rateLimitScenario, unknownLimitScenario, latencyScenario, statusReportScenario];

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const redis = await startPrivateRedis();
  const tmp = mkdtempSync(join(tmpdir(), 'bench-'));
  const runId = randomBytes(2).toString('hex');
  let n = 0;
  const log = (m: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);
  const ctx: BenchContext = {
    redis,
    quick: args.quick,
    repsOverride: args.reps,
    tmp,
    prefix: (name) => `{bench-${runId}-${name}-${n++}}`,
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
    for (const s of SCENARIOS) {
      if (args.only && !args.only.has(s.id)) continue;
      log(`scenario ${s.id}: ${s.title}`);
      try {
        rows.push(...(await s.run(ctx)));
      } catch (err) {
        log(`  scenario ${s.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        rows.push(errorRow(s.id, err));
      }
    }
    const durationSeconds = (performance.now() - started) / 1000;
    const machine = describeMachine();
    console.log(`\nbulk-assign bench (${args.quick ? 'quick' : 'full'} run, ${durationSeconds.toFixed(0)} s, ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}, redis ${machine.redis})`);
    console.log('figures: median over repetitions (min..max); ratio = our median / baseline median\n');
    console.log(formatTable(rows));
    const notes = rows.filter((r) => r.note);
    if (notes.length > 0) console.log(`\nnotes:\n${notes.map((r) => `  #${r.scenario} ${r.figure}: ${r.note}`).join('\n')}`);
    const failed = rows.filter((r) => r.pass === false).length;
    console.log(`\n${rows.filter((r) => r.pass === true).length} pass, ${failed} fail, ${rows.filter((r) => r.pass === null).length} informational`);
    const file = join(RESULTS_DIR, 'latest.json');
    writeFileSync(file, JSON.stringify({ startedAt, mode: args.quick ? 'quick' : 'full', repsOverride: args.reps ?? null, durationSeconds: Math.round(durationSeconds), machine, rows, markdown: formatMarkdown(rows) }, null, 2) + '\n');
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
