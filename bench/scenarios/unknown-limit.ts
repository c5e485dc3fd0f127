import { repsFor, type Scenario } from '../lib/context.js';
import { rateRuns } from '../lib/rate-runs.js';
import { row } from '../lib/result-row.js';
import { summarize } from '../lib/summary.js';

const CONFIGURED = 500;
const REAL = 200;

/**
 * Scenario 4: the API's real limit is unknown. The tool is configured for 500/s while the simulator accepts 200/s
 * and answers the rest with 429 + Retry-After (and RateLimit-* / X-RateLimit-* headers an adaptive client could
 * read). The baseline is the same without adaptation: 3 bare BullMQ workers with `limiter {max: 500}` that honour
 * Retry-After queue-wide (worker.rateLimit). Judged on the median repetition.
 */
export const unknownLimitScenario: Scenario = {
  id: '4',
  title: 'unknown limit: configured 500/s, simulator allows 200/s with 429 + Retry-After vs no adaptation',
  async run(ctx) {
    const rows = ctx.quick ? 1000 : 1200;
    const runs = await rateRuns(ctx, {
      name: 's4',
      rows,
      reps: repsFor(ctx, 3, 1),
      workers: 3,
      configuredRate: CONFIGURED,
      sim: { rate: REAL, retryAfter: 'seconds', rateLimitHeaders: true },
    });
    const note = runs.notes.join('; ') || undefined;
    const share = (xs: typeof runs.ours) => summarize(xs.map((x) => (x.posts > 0 ? (100 * x.rejected429) / x.posts : 0)));
    const of = (xs: typeof runs.ours, k: keyof (typeof runs.ours)[number]) => summarize(xs.map((x) => x[k]));
    return [
      row('4', `mean accepted rate (${rows} rows, 3 workers)`, '/s', of(runs.ours, 'meanRate'), of(runs.base, 'meanRate'), { kind: 'min', value: 0.85 * REAL, text: `>= ${0.85 * REAL}/s (0.85x${REAL})` }, note),
      row('4', '429 share of requests', '%', share(runs.ours), share(runs.base), { kind: 'max', value: 5, text: '<= 5%' }),
      row('4', 'max requests in any sliding 1 s', '', of(runs.ours, 'maxInAnySecond'), of(runs.base, 'maxInAnySecond'), null),
    ];
  },
};
