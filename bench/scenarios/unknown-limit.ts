import { repsFor, type Scenario } from '../lib/context.js';
import { rateRuns, STABLE_RATE_REPS } from '../lib/rate-runs.js';
import { row } from '../lib/result-row.js';
import { figureOf, share429 } from '../lib/sim-figures.js';

/** What the tool and the baseline are told in scenarios 4 and 4b. */
export const UNKNOWN_LIMIT_CONFIGURED = 500;
/** What the simulator really allows in scenarios 4 and 4b. */
export const UNKNOWN_LIMIT_REAL = 200;

/**
 * Scenario 4: the API's real limit is unknown. The tool is configured for 500/s while the simulator accepts 200/s
 * and answers the rest with 429 + Retry-After (and RateLimit-* / X-RateLimit-* headers an adaptive client could
 * read). The baseline is the same without adaptation: 3 bare BullMQ workers with `limiter {max: 500}` that honour
 * Retry-After queue-wide (worker.rateLimit). Judged on the median repetition. Scenario 4b (unknown-limit-bare.ts)
 * is the same without the headers.
 */
export const unknownLimitScenario: Scenario = {
  id: '4',
  title: 'unknown limit: configured 500/s, simulator allows 200/s with 429 + Retry-After vs no adaptation',
  async run(ctx) {
    const rows = ctx.quick ? 1000 : 1200;
    const REAL = UNKNOWN_LIMIT_REAL;
    const runs = await rateRuns(ctx, {
      name: 's4',
      rows,
      reps: repsFor(ctx, STABLE_RATE_REPS, 1),
      workers: 3,
      configuredRate: UNKNOWN_LIMIT_CONFIGURED,
      sim: { rate: REAL, retryAfter: 'seconds', rateLimitHeaders: true },
    });
    const note = runs.notes.join('; ') || undefined;
    return [
      row('4', `mean accepted rate (${rows} rows, 3 workers)`, '/s', figureOf(runs.ours, 'meanRate'), figureOf(runs.base, 'meanRate'), { kind: 'min', value: 0.85 * REAL, text: `>= ${0.85 * REAL}/s (0.85x${REAL})` }, note),
      row('4', '429 share of requests', '%', share429(runs.ours), share429(runs.base), { kind: 'max', value: 5, text: '<= 5%' }),
      row('4', 'max requests in any sliding 1 s', '', figureOf(runs.ours, 'maxInAnySecond'), figureOf(runs.base, 'maxInAnySecond'), null),
    ];
  },
};
