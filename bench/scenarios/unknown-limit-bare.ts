import { repsFor, type Scenario } from '../lib/context.js';
import { rateRuns, STABLE_RATE_REPS } from '../lib/rate-runs.js';
import { row } from '../lib/result-row.js';
import { figureOf, share429 } from '../lib/sim-figures.js';
import { UNKNOWN_LIMIT_CONFIGURED, UNKNOWN_LIMIT_REAL } from './unknown-limit.js';

/**
 * Scenario 4b: scenario 4 with a server that says less. The tool is configured for 500/s, the simulator accepts
 * 200/s and answers the rest with a bare 429 + Retry-After (seconds): no RateLimit-* / X-RateLimit-* headers, so a
 * client learns the limit only from the 429s themselves. The same-run baseline is scenario 4's: 3 bare BullMQ
 * workers with `limiter {max: 500}` honouring Retry-After queue-wide. Judged on the median repetition, with tighter
 * targets than scenario 4 (0.9x the limit, at most 3% of requests answered 429).
 */
export const unknownLimitBareScenario: Scenario = {
  id: '4b',
  title: 'unknown limit, bare 429s: configured 500/s, simulator allows 200/s, Retry-After only, vs no adaptation',
  async run(ctx) {
    const rows = ctx.quick ? 1000 : 1200;
    const REAL = UNKNOWN_LIMIT_REAL;
    const runs = await rateRuns(ctx, {
      name: 's4b',
      rows,
      reps: repsFor(ctx, STABLE_RATE_REPS, 1),
      workers: 3,
      configuredRate: UNKNOWN_LIMIT_CONFIGURED,
      sim: { rate: REAL, retryAfter: 'seconds', rateLimitHeaders: false },
    });
    const note = runs.notes.join('; ') || undefined;
    return [
      row('4b', `mean accepted rate (${rows} rows, 3 workers, bare 429s)`, '/s', figureOf(runs.ours, 'meanRate'), figureOf(runs.base, 'meanRate'), { kind: 'min', value: 0.9 * REAL, text: `>= ${0.9 * REAL}/s (0.9x${REAL})` }, note),
      row('4b', '429 share of requests', '%', share429(runs.ours), share429(runs.base), { kind: 'max', value: 3, text: '<= 3%' }),
      row('4b', 'max requests in any sliding 1 s', '', figureOf(runs.ours, 'maxInAnySecond'), figureOf(runs.base, 'maxInAnySecond'), null),
    ];
  },
};
