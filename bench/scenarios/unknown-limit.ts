import { repsFor, type Scenario } from '../lib/context.js';
import { rateRuns, STABLE_RATE_REPS } from '../lib/rate-runs.js';
import { row } from '../lib/result-row.js';
import { figureOf, share429 } from '../lib/sim-figures.js';

/** What the tool and the baseline are told in scenarios 4 and 4b. */
export const UNKNOWN_LIMIT_CONFIGURED = 500;
/** What the simulator really allows in scenarios 4 and 4b. */
export const UNKNOWN_LIMIT_REAL = 200;

/** What tells scenarios 4 and 4b apart: the headers the simulator sends, and the targets. */
export interface UnknownLimitVariant {
  id: string;
  title: string;
  /** Send RateLimit-* / X-RateLimit-* headers with the answers (4), or bare 429 + Retry-After only (4b). */
  rateLimitHeaders: boolean;
  /** Appended to the mean-rate figure's name. */
  label: string;
  /** Target: the mean accepted rate at least this fraction of the real limit. */
  minMeanOfLimit: number;
  /** Target: at most this percentage of requests answered 429. */
  max429Pct: number;
  /** Repetitions in a full run. */
  reps: number;
  /** Baseline runs in a full run, after the first this-many of ours (`--reps` and quick runs: one after each). @defaultValue one after each repetition */
  baselineReps?: number;
}

/**
 * The API's real limit is unknown: the tool is configured for 500/s while the simulator accepts 200/s and answers the
 * rest with 429 + Retry-After. The baseline is the same without adaptation: 3 bare BullMQ workers with
 * `limiter {max: 500}` that honour Retry-After queue-wide (worker.rateLimit). Judged on the median repetition.
 */
export function unknownLimitScenarioOf(v: UnknownLimitVariant): Scenario {
  return {
    id: v.id,
    title: v.title,
    async run(ctx) {
      const rows = ctx.quick ? 1000 : 1200;
      const REAL = UNKNOWN_LIMIT_REAL;
      const runs = await rateRuns(ctx, {
        name: `s${v.id}`,
        rows,
        reps: repsFor(ctx, v.reps, 1),
        // A full run's choice: `--reps N` and quick runs keep a baseline after each repetition.
        baselineReps: repsFor(ctx, v.baselineReps ?? v.reps, 1),
        workers: 3,
        configuredRate: UNKNOWN_LIMIT_CONFIGURED,
        sim: { rate: REAL, retryAfter: 'seconds', rateLimitHeaders: v.rateLimitHeaders },
      });
      const note = runs.notes.join('; ') || undefined;
      const min = v.minMeanOfLimit;
      return [
        row(v.id, `mean accepted rate (${rows} rows, 3 workers${v.label})`, '/s', figureOf(runs.ours, 'meanRate'), figureOf(runs.base, 'meanRate'), { kind: 'min', value: min * REAL, text: `>= ${min * REAL}/s (${min}x${REAL})` }, note),
        row(v.id, '429 share of requests', '%', share429(runs.ours), share429(runs.base), { kind: 'max', value: v.max429Pct, text: `<= ${v.max429Pct}%` }),
        row(v.id, 'max requests in any sliding 1 s', '', figureOf(runs.ours, 'maxInAnySecond'), figureOf(runs.base, 'maxInAnySecond'), null),
      ];
    },
  };
}

/**
 * Scenario 4: the simulator also sends RateLimit-* / X-RateLimit-* headers an adaptive client could read. Scenario 4b
 * (unknown-limit-bare.ts) is the same without them.
 */
export const unknownLimitScenario = unknownLimitScenarioOf({
  id: '4',
  title: 'unknown limit: configured 500/s, simulator allows 200/s with 429 + Retry-After vs no adaptation',
  rateLimitHeaders: true,
  label: '',
  minMeanOfLimit: 0.85,
  max429Pct: 5,
  reps: STABLE_RATE_REPS,
});
