import { join } from 'node:path';
import { connectionsFor, jobsInHand } from '../../src/worker/index.js';
import { withSimulator } from '../lib/bench-sim.js';
import { runNode } from '../lib/child-process.js';
import { toolEnv } from '../lib/cli-env.js';
import { repsFor, type Scenario } from '../lib/context.js';
import { writeAssignmentsCsv } from '../lib/csv-fixture.js';
import { baselineScript } from '../lib/paths.js';
import { row } from '../lib/result-row.js';
import { runTimeline } from '../lib/sim-figures.js';
import { summarize } from '../lib/summary.js';
import { importWithCli, workUntilDone } from '../lib/tool-run.js';

/** In-flight requests for both sides: one worker process with S1_CONCURRENCY=64 vs one script with p-limit(64). */
export const THROUGHPUT_CONCURRENCY = 64;

/**
 * Scenario 2: rows/s through one worker process against a simulator with no latency and no limit (the tool's limit
 * set to its maximum, 100,000/s), judged against a bare BullMQ worker (baselines/bare-bullmq-worker.ts) on the same
 * imported rows: the tool's own S1 client, the same 64 connections and jobs in hand, and nothing else (no outcomes,
 * no limiter, no permits, no report). The tool must reach at least 0.85x of it: what the tool adds around one BullMQ
 * job per row may cost up to 15%. The bare worker runs first, then each repetition runs the tool and the bare worker
 * again: every tool run sits between two bare runs, and its ratio is to their mean; the verdict is the median of the
 * repetitions' ratios (see ratioOf in lib/result-row.ts). After the last repetition the one-off script (csv-parse +
 * p-limit + undici, no queue) runs once at the same concurrency: it is information, how far one BullMQ job per row
 * is from no queue at all on this machine.
 *
 * Ours is timed from the worker's spawn until the batch record says finished, the bare worker from spawn to exit
 * (it exits when its last job completes), the script from spawn to exit (it reads the CSV itself while sending);
 * the imports run before, untimed (scenario 1 covers them): each side's once, restored from a Redis snapshot
 * before each of its runs. An untimed run of the script warms the simulator first. One 100,000-row repetition of
 * each side takes 10-30 s here on a quiet machine.
 */
export const workerThroughputScenario: Scenario = {
  id: '2',
  title: 'rows through a worker, no latency, no limit vs a bare BullMQ worker (and csv-parse + p-limit + undici)',
  async run(ctx) {
    const rows = ctx.quick ? 10_000 : 100_000;
    const reps = repsFor(ctx, 3, 1);
    const csv = join(ctx.tmp, `throughput-${rows}.csv`);
    await writeAssignmentsCsv(csv, rows);
    const warmCsv = join(ctx.tmp, 'throughput-warm-up.csv');
    await writeAssignmentsCsv(warmCsv, ctx.quick ? 2_000 : 20_000);
    return withSimulator({ rate: 0 }, async (sim, token) => {
      // The simulator runs in this process and starts cold (V8 has not compiled its hot paths yet). Without a warm-up
      // the first repetition's tool run would meet a cold simulator and the baselines after it a warm one.
      await runNode(baselineScript('plain-script'), [warmCsv, sim.url, token, String(THROUGHPUT_CONCURRENCY)], toolEnv(ctx, { prefix: ctx.prefix('s2-warm-up') }), { cwd: ctx.tmp });
      sim.reset();
      const ours: number[] = [];
      const oursRss: number[] = [];
      const bare: number[] = [];
      const bareRss: number[] = [];
      const connections = connectionsFor(THROUGHPUT_CONCURRENCY);
      const bareArgs = (prefix: string) => [ctx.redis.url, prefix, sim.url, token, String(connections), String(jobsInHand(connections)), String(rows)];
      // The bare worker and the script are checked at the simulator: every row answered 200.
      const expectAllAccepted = (what: string) => {
        const ok = sim.stats().byStatus['200'] ?? 0;
        if (ok !== rows) throw new Error(`${what}: ${ok} of ${rows} accepted`);
      };
      // The bare worker's runs bracket the tool's: bare, then per repetition the tool and the bare worker.
      // Each tool run is judged against the mean of the bare runs either side of it (ratioOf), so a machine that
      // speeds up or slows down over the minute of a repetition is not charged to whichever side ran second.
      const settingsFor = (prefix: string) => ({ prefix, apiUrl: sim.url, token, rateLimit: 100_000, concurrency: THROUGHPUT_CONCURRENCY });
      // Each side's rows are imported once and Redis saved as that import left it; every run starts from that
      // snapshot (restore: Redis empties itself and loads it), so seven runs cost two imports instead of seven.
      const barePrefix = ctx.prefix('s2-bare');
      const toolPrefix = ctx.prefix('s2-tool');
      const settings = settingsFor(toolPrefix);
      for (const [side, prefix, batchId] of [['s2-bare', barePrefix, 'tp-bare'], ['s2-tool', toolPrefix, 'tp']] as const) {
        await ctx.flush();
        await importWithCli(ctx, csv, batchId, settingsFor(prefix));
        await ctx.redis.snapshot(side);
      }
      const runBare = async (i: number) => {
        await ctx.redis.restore('s2-bare');
        sim.reset();
        const f = await runNode(baselineScript('bare-bullmq-worker'), bareArgs(barePrefix), toolEnv(ctx, { prefix: barePrefix }), { cwd: ctx.tmp });
        expectAllAccepted(`bare BullMQ run ${i}`);
        bare.push(rows / (f.elapsedMs / 1000));
        bareRss.push(f.peakRss / 2 ** 20);
        ctx.log(`  bare BullMQ worker: ${Math.round(bare[i]!)} rows/s (${(f.elapsedMs / 1000).toFixed(1)} s), peak RSS ${bareRss[i]!.toFixed(0)} MB; ${runTimeline(sim.stats(), f.startedAt, f.elapsedMs)}`);
      };
      await runBare(0);
      for (let r = 0; r < reps; r++) {
        await ctx.redis.restore('s2-tool');
        sim.reset();
        const w = await workUntilDone(ctx, { settings, workers: 1, batchId: 'tp', timeoutMs: 600_000 });
        if (!w.finished || w.batch?.assigned !== rows) throw new Error(`worker run ${r}: finished=${w.finished}, assigned ${w.batch?.assigned} of ${rows}`);
        ours.push(rows / (w.elapsedMs / 1000));
        oursRss.push((w.peakRss[0] ?? 0) / 2 ** 20);
        ctx.log(`  tool:     ${Math.round(ours[r]!)} rows/s (${(w.elapsedMs / 1000).toFixed(1)} s), worker peak RSS ${oursRss[r]!.toFixed(0)} MB; ${runTimeline(sim.stats(), w.startedAt, w.elapsedMs)}`);

        await runBare(r + 1);
      }
      // The script is information, not a baseline of a verdict: one run, after the last repetition's bare run,
      // keeps its row and saves half a minute of the ten-minute budget on a slow machine (two runs of ~13 s).
      await ctx.flush();
      sim.reset();
      const b = await runNode(baselineScript('plain-script'), [csv, sim.url, token, String(THROUGHPUT_CONCURRENCY)], toolEnv(ctx, { prefix: toolPrefix }), { cwd: ctx.tmp });
      expectAllAccepted('script run');
      const script = [rows / (b.elapsedMs / 1000)];
      ctx.log(`  script:   ${Math.round(script[0]!)} rows/s (${(b.elapsedMs / 1000).toFixed(1)} s)`);
      await ctx.flush();
      const label = `${rows.toLocaleString('en-US')} rows, concurrency ${THROUGHPUT_CONCURRENCY}`;
      return [
        row('2', `worker rows/s vs bare BullMQ worker (${label})`, 'rows/s', summarize(ours), summarize(bare), { kind: 'ratio-min', value: 0.85, text: '>= 0.85x bare BullMQ' }),
        row('2', 'worker peak RSS (baseline: bare BullMQ worker)', 'MB', summarize(oursRss), summarize(bareRss), null),
        row('2', 'worker rows/s vs one-off script (csv-parse + p-limit + undici)', 'rows/s', summarize(ours), summarize(script), null),
        // The script's one run follows the last bare run: that pair.
        row('2', 'bare BullMQ worker rows/s vs one-off script', 'rows/s', summarize(bare.slice(-1)), summarize(script), null),
      ];
    });
  },
};
