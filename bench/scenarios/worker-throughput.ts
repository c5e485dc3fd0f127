import { join } from 'node:path';
import { connectionsFor, jobsInHand } from '../../src/worker/index.js';
import { withSimulator } from '../lib/bench-sim.js';
import { runNode } from '../lib/child-process.js';
import { toolEnv } from '../lib/cli-env.js';
import { repsFor, type Scenario } from '../lib/context.js';
import { writeAssignmentsCsv } from '../lib/csv-fixture.js';
import { baselineScript } from '../lib/paths.js';
import { row } from '../lib/result-row.js';
import { summarize } from '../lib/summary.js';
import { importWithCli, workUntilDone } from '../lib/tool-run.js';

/** In-flight requests for both sides: one worker process with S1_CONCURRENCY=64 vs one script with p-limit(64). */
export const THROUGHPUT_CONCURRENCY = 64;

/**
 * Scenario 2: rows/s through one worker process against a simulator with no latency and no limit (the tool's limit
 * set to its maximum, 100,000/s), vs the one-off script at the same concurrency. Ours is timed from the worker's
 * spawn until the batch record says finished (the import runs before, untimed: scenario 1 covers it); the script
 * from spawn to exit (it reads the CSV itself while sending). An untimed run of the script warms the simulator first.
 * Each repetition runs ours and then the script, and the ratio is the median of the repetitions' ratios (see
 * ratioOf in lib/result-row.ts). One 100,000-row repetition of each takes 20-30 s here on a quiet machine. The full
 * run does five: the script's own rate moved between 9,122 and 14,278 rows/s within one three-repetition run on a
 * quiet machine, and a median of five is steadier than one of three.
 *
 * In the first three repetitions (quick: one) a bare BullMQ worker (baselines/bare-bullmq-worker.ts) also takes the
 * same rows, right after the script: an informational row, against the same repetitions' script runs, that shows
 * what one BullMQ job per row costs before the tool adds anything.
 */
export const workerThroughputScenario: Scenario = {
  id: '2',
  title: 'rows through a worker, no latency, no limit vs csv-parse + p-limit + undici',
  async run(ctx) {
    const rows = ctx.quick ? 10_000 : 100_000;
    const reps = repsFor(ctx, 5, 1);
    const csv = join(ctx.tmp, `throughput-${rows}.csv`);
    await writeAssignmentsCsv(csv, rows);
    const warmCsv = join(ctx.tmp, 'throughput-warm-up.csv');
    await writeAssignmentsCsv(warmCsv, ctx.quick ? 2_000 : 20_000);
    return withSimulator({ rate: 0 }, async (sim, token) => {
      // The simulator runs in this process and starts cold (V8 has not compiled its hot paths yet). Without a warm-up
      // the first repetition's tool run would meet a cold simulator and the baseline right after it a warm one.
      await runNode(baselineScript('plain-script'), [warmCsv, sim.url, token, String(THROUGHPUT_CONCURRENCY)], toolEnv(ctx, { prefix: ctx.prefix('s2-warm-up') }), { cwd: ctx.tmp });
      sim.reset();
      const ours: number[] = [];
      const oursRss: number[] = [];
      const base: number[] = [];
      const baseRss: number[] = [];
      const floorReps = Math.min(reps, 3);
      const floor: number[] = [];
      const connections = connectionsFor(THROUGHPUT_CONCURRENCY);
      const bareArgs = (prefix: string) => [ctx.redis.url, prefix, sim.url, token, String(connections), String(jobsInHand(connections)), String(rows)];
      // The script and the bare worker are checked at the simulator: every row answered 200.
      const expectAllAccepted = (what: string) => {
        const ok = sim.stats().byStatus['200'] ?? 0;
        if (ok !== rows) throw new Error(`${what}: ${ok} of ${rows} accepted`);
      };
      for (let r = 0; r < reps; r++) {
        await ctx.flush();
        const prefix = ctx.prefix('s2-tool');
        const settings = { prefix, apiUrl: sim.url, token, rateLimit: 100_000, concurrency: THROUGHPUT_CONCURRENCY };
        await importWithCli(ctx, csv, `tp-${r}`, settings);
        sim.reset();
        const w = await workUntilDone(ctx, { settings, workers: 1, batchId: `tp-${r}`, timeoutMs: 600_000 });
        if (!w.finished || w.batch?.assigned !== rows) throw new Error(`worker run ${r}: finished=${w.finished}, assigned ${w.batch?.assigned} of ${rows}`);
        ours.push(rows / (w.elapsedMs / 1000));
        oursRss.push((w.peakRss[0] ?? 0) / 2 ** 20);
        ctx.log(`  tool:     ${Math.round(ours[r]!)} rows/s (${(w.elapsedMs / 1000).toFixed(1)} s), worker peak RSS ${oursRss[r]!.toFixed(0)} MB`);

        sim.reset();
        const b = await runNode(baselineScript('plain-script'), [csv, sim.url, token, String(THROUGHPUT_CONCURRENCY)], toolEnv(ctx, { prefix }), { cwd: ctx.tmp });
        expectAllAccepted(`baseline run ${r}`);
        base.push(rows / (b.elapsedMs / 1000));
        baseRss.push(b.peakRss / 2 ** 20);
        ctx.log(`  baseline: ${Math.round(base[r]!)} rows/s (${(b.elapsedMs / 1000).toFixed(1)} s), peak RSS ${baseRss[r]!.toFixed(0)} MB`);

        if (r < floorReps) {
          await ctx.flush();
          const floorPrefix = ctx.prefix('s2-bare');
          await importWithCli(ctx, csv, `tp-bare-${r}`, { ...settings, prefix: floorPrefix });
          sim.reset();
          const f = await runNode(baselineScript('bare-bullmq-worker'), bareArgs(floorPrefix), toolEnv(ctx, { prefix: floorPrefix }), { cwd: ctx.tmp });
          expectAllAccepted(`bare BullMQ run ${r}`);
          floor.push(rows / (f.elapsedMs / 1000));
          ctx.log(`  bare BullMQ worker: ${Math.round(floor[r]!)} rows/s (${(f.elapsedMs / 1000).toFixed(1)} s)`);
        }
      }
      await ctx.flush();
      const label = `${rows.toLocaleString('en-US')} rows, concurrency ${THROUGHPUT_CONCURRENCY}`;
      return [
        row('2', `worker rows/s (${label})`, 'rows/s', summarize(ours), summarize(base), { kind: 'ratio-min', value: 0.6, text: '>= 0.6x baseline' }),
        row('2', 'worker peak RSS', 'MB', summarize(oursRss), summarize(baseRss), null),
        row('2', `bare BullMQ worker rows/s (no outcomes, no limiter; ${floorReps} run${floorReps === 1 ? '' : 's'})`, 'rows/s', summarize(floor), summarize(base.slice(0, floorReps)), null),
      ];
    });
  },
};
