import { join } from 'node:path';
import { Queue } from 'bullmq';
import { ASSIGN_QUEUE } from '../../src/queue/keys.js';
import { runNode } from '../lib/child-process.js';
import { toolEnv } from '../lib/cli-env.js';
import { repsFor, type BenchContext, type Scenario } from '../lib/context.js';
import { writeAssignmentsCsv } from '../lib/csv-fixture.js';
import { baselineScript } from '../lib/paths.js';
import { usedMemory } from '../lib/redis-server.js';
import { row, type ResultRow } from '../lib/result-row.js';
import { summarize } from '../lib/summary.js';
import { importWithCli } from '../lib/tool-run.js';

interface ImportFigures {
  rowsPerSecond: number;
  peakRssMb: number;
  bytesPerRow: number;
}

async function waitingJobs(ctx: BenchContext, prefix: string): Promise<number> {
  const url = new URL(ctx.redis.url);
  const queue = new Queue(ASSIGN_QUEUE, { connection: { host: url.hostname, port: Number(url.port) }, prefix });
  try {
    return await queue.getWaitingCount();
  } finally {
    await queue.close();
  }
}

/** One import from an empty Redis: time from spawn to exit, peak RSS, and Redis memory added per row. */
async function measure(ctx: BenchContext, rows: number, prefix: string, start: () => ReturnType<typeof runNode>): Promise<ImportFigures> {
  await ctx.flush();
  const before = await usedMemory(ctx.redis.client);
  const res = await start();
  const after = await usedMemory(ctx.redis.client);
  const waiting = await waitingJobs(ctx, prefix);
  if (waiting !== rows) throw new Error(`expected ${rows} waiting jobs after the import, found ${waiting}`);
  return { rowsPerSecond: rows / (res.elapsedMs / 1000), peakRssMb: res.peakRss / 2 ** 20, bytesPerRow: (after - before) / rows };
}

/**
 * Scenario 1: `bulk-assign import` of a generated file until every job is enqueued, against a bare `addBulk` script
 * reading the same file. A 1,000,000-row import takes 35-50 s here for either side. The baseline **brackets** the
 * tool as in scenario 2 (baseline, then per repetition the tool and the baseline again), and each tool run is judged
 * against the mean of the baseline runs either side of it (ratioOf): with one run of each side, back to back, the
 * verdict moved 0.81-1.25x on unchanged importer code, because the machine's speed drifts over the minute and a half
 * and all of it was charged to whichever side ran second. One repetition (three runs, about two minutes) in the full
 * run; `--reps 3` asks for more.
 */
export const importScenario: Scenario = {
  id: '1',
  title: 'import a generated CSV until every job is enqueued vs bare BullMQ addBulk',
  async run(ctx) {
    const rows = ctx.quick ? 50_000 : 1_000_000;
    const reps = repsFor(ctx, 1, 1);
    const csv = join(ctx.tmp, `import-${rows}.csv`);
    await writeAssignmentsCsv(csv, rows);
    const ours: ImportFigures[] = [];
    const base: ImportFigures[] = [];
    const runBase = async (i: number) => {
      const p = ctx.prefix('s1-base');
      base.push(await measure(ctx, rows, p, () => runNode(baselineScript('addbulk-import'), [csv, ctx.redis.url, p], toolEnv(ctx, { prefix: p }), { cwd: ctx.tmp })));
      ctx.log(`  baseline: ${Math.round(base[i]!.rowsPerSecond)} rows/s, peak RSS ${base[i]!.peakRssMb.toFixed(0)} MB, ${base[i]!.bytesPerRow.toFixed(0)} B/row`);
    };
    await runBase(0);
    for (let r = 0; r < reps; r++) {
      const p1 = ctx.prefix('s1-tool');
      ours.push(await measure(ctx, rows, p1, () => importWithCli(ctx, csv, `bench-${r}`, { prefix: p1 })));
      ctx.log(`  tool:     ${Math.round(ours[r]!.rowsPerSecond)} rows/s, peak RSS ${ours[r]!.peakRssMb.toFixed(0)} MB, ${ours[r]!.bytesPerRow.toFixed(0)} B/row`);
      await runBase(r + 1);
    }
    await ctx.flush();
    const pick = (xs: ImportFigures[], k: keyof ImportFigures) => summarize(xs.map((x) => x[k]));
    const label = `${rows.toLocaleString('en-US')} rows`;
    const out: ResultRow[] = [
      row('1', `import rows/s (${label})`, 'rows/s', pick(ours, 'rowsPerSecond'), pick(base, 'rowsPerSecond'), { kind: 'ratio-min', value: 0.9, text: '>= 0.9x baseline' }),
      row('1', 'importer peak RSS', 'MB', pick(ours, 'peakRssMb'), pick(base, 'peakRssMb'), { kind: 'max', value: 200, worst: true, text: '< 200 MB' }, ctx.quick ? 'quick run: a smaller file than the 1,000,000 rows the target is about' : undefined),
      row('1', 'Redis bytes per pending row', 'B', pick(ours, 'bytesPerRow'), pick(base, 'bytesPerRow'), { kind: 'ratio-max', value: 1, text: '<= baseline (aim 500 B)' }),
    ];
    return out;
  },
};
