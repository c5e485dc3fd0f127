import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNode } from '../lib/child-process.js';
import { toolEnv } from '../lib/cli-env.js';
import { repsFor, type BenchContext, type Scenario } from '../lib/context.js';
import { buildFinishedBatch, type FinishedBatchCounts } from '../lib/finished-batch.js';
import { CLI } from '../lib/paths.js';
import { row } from '../lib/result-row.js';
import { summarize } from '../lib/summary.js';

interface CommandFigures {
  seconds: number[];
  rssMb: number[];
}

/** Runs `status <id> --json` and `report <id>` `reps` times each, checking what they say against the counts. */
async function measureCommands(ctx: BenchContext, prefix: string, batchId: string, counts: FinishedBatchCounts, reps: number) {
  const env = toolEnv(ctx, { prefix });
  const status: CommandFigures = { seconds: [], rssMb: [] };
  const report: CommandFigures = { seconds: [], rssMb: [] };
  const out = join(ctx.tmp, 'reports', batchId);
  for (let r = 0; r < reps; r++) {
    const s = await runNode(CLI, ['status', batchId, '--json'], env, { cwd: ctx.tmp, timeoutMs: 60_000 });
    const json = JSON.parse(s.stdout) as { rows: number; failed: number; done: boolean };
    if (json.rows !== counts.rows || json.failed !== counts.failed || !json.done) throw new Error(`status --json says ${s.stdout.trim()}`);
    status.seconds.push(s.elapsedMs / 1000);
    status.rssMb.push(s.peakRss / 2 ** 20);

    const p = await runNode(CLI, ['report', batchId, '--out', out], env, { cwd: ctx.tmp, timeoutMs: 60_000 });
    const written = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { rows: number; failed: number };
    const csvLines = readFileSync(join(out, 'failures.csv'), 'utf8').trimEnd().split('\n').length - 1;
    const details = counts.failed + counts.invalid + counts.duplicate;
    if (written.rows !== counts.rows || written.failed !== counts.failed || csvLines !== details) {
      throw new Error(`report of ${batchId}: report.json ${JSON.stringify(written)}, failures.csv ${csvLines} rows (expected ${details})`);
    }
    report.seconds.push(p.elapsedMs / 1000);
    report.rssMb.push(p.peakRss / 2 ** 20);
  }
  return { status, report };
}

/**
 * Scenario 6: `status <batch> --json` and `report <batch>` as child processes (wall time from spawn to exit, node's
 * start-up included; peak RSS) on a finished batch of 1,000,000 rows (1.2% of them with a failure detail), against
 * the same commands on a 1,000-row batch of the same mix: equal memory means nothing scales with the rows.
 */
export const statusReportScenario: Scenario = {
  id: '6',
  title: '`status --json` and `report` on a finished 1,000,000-row batch',
  async run(ctx) {
    const rows = 1_000_000;
    const reps = repsFor(ctx, 3, 2);
    await ctx.flush();
    const prefix = ctx.prefix('s6');
    const started = performance.now();
    const big = await buildFinishedBatch(ctx, prefix, 'big', rows);
    ctx.log(`  built a finished ${rows}-row batch in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const small = await buildFinishedBatch(ctx, prefix, 'small', 1000);
    const b = await measureCommands(ctx, prefix, 'big', big, reps);
    const s = await measureCommands(ctx, prefix, 'small', small, reps);
    ctx.log(`  status: ${b.status.seconds.map((x) => x.toFixed(2)).join(', ')} s; report: ${b.report.seconds.map((x) => x.toFixed(2)).join(', ')} s`);
    await ctx.flush();
    const flat = { kind: 'ratio-max', value: 1.5, text: '<= 1.5x (flat)' } as const;
    const fast = { kind: 'max', value: 2, worst: true, text: '< 2 s (every run)' } as const;
    return [
      row('6', 'status --json wall time (1M rows; baseline 1k rows)', 's', summarize(b.status.seconds), summarize(s.status.seconds), fast),
      row('6', 'status --json peak RSS', 'MB', summarize(b.status.rssMb), summarize(s.status.rssMb), flat),
      row('6', `report wall time (${big.failed + big.invalid + big.duplicate} failure rows)`, 's', summarize(b.report.seconds), summarize(s.report.seconds), fast),
      row('6', 'report peak RSS', 'MB', summarize(b.report.rssMb), summarize(s.report.rssMb), flat),
    ];
  },
};
