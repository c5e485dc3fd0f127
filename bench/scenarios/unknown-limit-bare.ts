import { LEARNT_LIMIT_BASELINE_REPS, LEARNT_LIMIT_REPS } from '../lib/rate-runs.js';
import { unknownLimitScenarioOf } from './unknown-limit.js';

/**
 * Scenario 4b: scenario 4 with a server that says less. The tool is configured for 500/s, the simulator accepts
 * 200/s and answers the rest with a bare 429 + Retry-After (seconds): no RateLimit-* / X-RateLimit-* headers, so a
 * client learns the limit only from the 429s themselves. The same-run baseline is scenario 4's: 3 bare BullMQ
 * workers with `limiter {max: 500}` honouring Retry-After queue-wide, run once after the tool's first repetition (see
 * LEARNT_LIMIT_REPS). Judged on the median repetition, with tighter targets than scenario 4 (0.9x the limit, at most
 * 3% of requests answered 429).
 */
export const unknownLimitBareScenario = unknownLimitScenarioOf({
  id: '4b',
  title: 'unknown limit, bare 429s: configured 500/s, simulator allows 200/s, Retry-After only, vs no adaptation',
  rateLimitHeaders: false,
  label: ', bare 429s',
  minMeanOfLimit: 0.9,
  max429Pct: 3,
  reps: LEARNT_LIMIT_REPS,
  baselineReps: LEARNT_LIMIT_BASELINE_REPS,
});
