import { repsFor, type Scenario } from '../lib/context.js';
import { rateRuns, STABLE_RATE_REPS } from '../lib/rate-runs.js';
import { row } from '../lib/result-row.js';
import { summarize } from '../lib/summary.js';

const RATE = 100;
const LATENCY_MS = 200;
const JITTER_MS = 50;

/**
 * Scenario 5: the API answers in 200 ms +/- 50 ms (uniform), limit 100/s (the simulator enforces it too), one
 * worker process with default settings: no S1_CONCURRENCY, so concurrency must follow from the rate. The baseline
 * is the limit itself.
 */
export const latencyScenario: Scenario = {
  id: '5',
  title: 'API latency 200 ms jittered, limit 100/s, default settings vs the limit itself',
  async run(ctx) {
    const rows = ctx.quick ? 600 : 1000;
    const runs = await rateRuns(ctx, {
      name: 's5',
      rows,
      reps: repsFor(ctx, STABLE_RATE_REPS, 1),
      workers: 1,
      configuredRate: RATE,
      sim: { rate: RATE, retryAfter: 'seconds', latencyMs: LATENCY_MS, latencyJitterMs: JITTER_MS },
      baseline: false,
    });
    const note = runs.notes.join('; ') || undefined;
    const limit = summarize([RATE]);
    return [
      row('5', `mean accepted rate (${rows} rows, 1 worker)`, '/s', summarize(runs.ours.map((x) => x.meanRate)), limit, { kind: 'ratio-min', value: 0.95, text: '>= 0.95x the limit' }, note),
      row('5', '429 answers', '', summarize(runs.ours.map((x) => x.rejected429)), null, null),
    ];
  },
};
