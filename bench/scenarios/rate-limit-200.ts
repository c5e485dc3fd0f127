import { repsFor, type Scenario } from '../lib/context.js';
import { rateRuns, STABLE_RATE_REPS } from '../lib/rate-runs.js';
import { row } from '../lib/result-row.js';
import { summarize } from '../lib/summary.js';

const RATE = 200;

/**
 * Scenario 3: limit 200/s on 3 worker processes, the simulator enforcing a sliding 200/s, vs 3 bare BullMQ workers
 * with `limiter {max: 200, duration: 1000}`. Safety figures (429s, requests in any sliding second) are judged on the
 * worst repetition; the mean rate on the median.
 */
export const rateLimitScenario: Scenario = {
  id: '3',
  title: 'limit 200/s, 3 worker processes, simulator enforcing a sliding 200/s vs BullMQ limiter',
  async run(ctx) {
    const rows = ctx.quick ? 1000 : 1200;
    const runs = await rateRuns(ctx, { name: 's3', rows, reps: repsFor(ctx, STABLE_RATE_REPS, 1), workers: 3, configuredRate: RATE, sim: { rate: RATE, retryAfter: 'seconds' } });
    const note = runs.notes.join('; ') || undefined;
    const of = (xs: typeof runs.ours, k: keyof (typeof runs.ours)[number]) => summarize(xs.map((x) => x[k]));
    return [
      row('3', `429 answers (${rows} rows, 3 workers)`, '', of(runs.ours, 'rejected429'), of(runs.base, 'rejected429'), { kind: 'max', value: 0, worst: true, text: '0 (every run)' }, note),
      row('3', 'max requests in any sliding 1 s', '', of(runs.ours, 'maxInAnySecond'), of(runs.base, 'maxInAnySecond'), { kind: 'max', value: RATE, worst: true, text: `<= ${RATE} (every run)` }),
      row('3', 'mean accepted rate', '/s', of(runs.ours, 'meanRate'), of(runs.base, 'meanRate'), { kind: 'min', value: 0.95 * RATE, text: `>= ${0.95 * RATE}/s (0.95x${RATE})` }),
    ];
  },
};
