import { join } from 'node:path';
import { withSimulator } from '../lib/bench-sim.js';
import { runNode } from '../lib/child-process.js';
import { toolEnv } from '../lib/cli-env.js';
import { buildFinishedBatch } from '../lib/finished-batch.js';
import type { BenchContext } from '../lib/context.js';
import { writeAssignmentsCsv } from '../lib/csv-fixture.js';
import { CLI, RESULTS_DIR } from '../lib/paths.js';
import { importWithCli, workUntilDone } from '../lib/tool-run.js';
import { THROUGHPUT_CONCURRENCY } from '../scenarios/worker-throughput.js';
import { formatHotSpots, topSelfTime } from './top-self-time.js';

const cpuProf = (name: string) => ['--cpu-prof', '--cpu-prof-dir', RESULTS_DIR, '--cpu-prof-name', `${name}.cpuprofile`];

/**
 * `--profile`: one importer run (scenario 1's shape, 200,000 rows), one worker run (scenario 2's shape, 30,000
 * rows) and one `report` (scenario 6's batch) under `node --cpu-prof`, then the top areas and functions by self
 * time of each. Profiles land in bench/results/ (open them in Chrome DevTools or speedscope). Not timed: the
 * profiler itself slows the process down.
 */
export async function profileRuns(ctx: BenchContext): Promise<string> {
  const reports: string[] = [];
  const importCsv = join(ctx.tmp, 'profile-import.csv');
  await writeAssignmentsCsv(importCsv, 200_000);
  await ctx.flush();
  await importWithCli(ctx, importCsv, 'profile-import', { prefix: ctx.prefix('prof-import') }, cpuProf('import'));
  reports.push(formatHotSpots('importer, 200,000 rows: top self time', topSelfTime(join(RESULTS_DIR, 'import.cpuprofile'), 25)));

  const workCsv = join(ctx.tmp, 'profile-work.csv');
  await writeAssignmentsCsv(workCsv, 30_000);
  await ctx.flush();
  await withSimulator({ rate: 0 }, async (sim, token) => {
    const settings = { prefix: ctx.prefix('prof-work'), apiUrl: sim.url, token, rateLimit: 100_000, concurrency: THROUGHPUT_CONCURRENCY };
    await importWithCli(ctx, workCsv, 'profile-work', settings);
    const w = await workUntilDone(ctx, { settings, workers: 1, batchId: 'profile-work', timeoutMs: 300_000, nodeArgs: cpuProf('worker') });
    if (!w.finished) throw new Error('the profiled worker did not finish its batch');
  });
  await ctx.flush();
  reports.push(formatHotSpots('worker, 30,000 rows, no latency, no limit: top self time', topSelfTime(join(RESULTS_DIR, 'worker.cpuprofile'), 25)));

  const prefix = ctx.prefix('prof-report');
  await buildFinishedBatch(ctx, prefix, 'big', 1_000_000);
  await runNode(CLI, ['report', 'big', '--out', join(ctx.tmp, 'reports', 'big')], toolEnv(ctx, { prefix }), { cwd: ctx.tmp, nodeArgs: cpuProf('report') });
  await ctx.flush();
  reports.push(formatHotSpots('report on a finished 1,000,000-row batch (12,000 failure rows): top self time', topSelfTime(join(RESULTS_DIR, 'report.cpuprofile'), 25)));
  return reports.join('\n\n');
}
