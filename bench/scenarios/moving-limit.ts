import { parseRateSchedule } from '../../src/sim/index.js';
import { repsFor, type Scenario } from '../lib/context.js';
import { rateRuns } from '../lib/rate-runs.js';
import { row } from '../lib/result-row.js';
import { idealSeconds } from '../lib/schedule-ideal.js';
import { figureOf, share429, type RateFigures } from '../lib/sim-figures.js';
import { summarize } from '../lib/summary.js';

/** The simulator's moving limit: 150/s for 15 s, 60/s for 15 s, then 150/s. */
export const MOVING_LIMIT_SCHEDULE = '150:15,60:15,150';
const CONFIGURED = 300;
const ROWS = 5_000;
const WORKERS = 3;

/**
 * Scenario 7: the limit moves under a running batch. The simulator's `rateSchedule` is 150/s for 15 s, 60/s for
 * 15 s, then 150/s, its clock starting at the run's first request; it answers the excess with a bare 429 +
 * Retry-After (seconds, no RateLimit-* headers). 5,000 rows, 3 workers configured for 300/s. Figures, counted at the
 * simulator:
 * - span of the batch's write traffic (last POST arrival - first POST arrival) against the ideal for that allowance:
 *   the time from the first POST at which the schedule, every second used to its limit, has allowed 5,000 requests
 *   (idealSeconds; about 42.3 s). Each run's ideal is computed from the schedule, the rows and where its first POST
 *   fell on the schedule's clock (a worker's preflight read starts the clock a little earlier);
 * - 429s as a share of all POSTs; the mean accepted rate (information).
 * Same-run baseline (information): 3 bare BullMQ workers with `limiter {max: 300}` honouring Retry-After queue-wide
 * (bench/lib/bullmq-baseline.ts), measured right after the tool in each repetition.
 */
export const movingLimitScenario: Scenario = {
  id: '7',
  title: `moving limit: simulator ${MOVING_LIMIT_SCHEDULE} with bare 429s, 3 workers configured for ${CONFIGURED}/s vs no adaptation`,
  async run(ctx) {
    const schedule = parseRateSchedule(MOVING_LIMIT_SCHEDULE);
    if (typeof schedule === 'string') throw new Error(`scenario 7's schedule: ${schedule}`);
    const ideal = idealSeconds(schedule, ROWS);
    const runs = await rateRuns(ctx, {
      name: 's7',
      rows: ROWS,
      reps: repsFor(ctx, 1, 1),
      workers: WORKERS,
      configuredRate: CONFIGURED,
      sim: { rateSchedule: MOVING_LIMIT_SCHEDULE, retryAfter: 'seconds', rateLimitHeaders: false },
      // A client that stayed at the lowest rate would take ROWS / 60 s; allow twice that.
      timeoutMs: Math.max(4 * ideal, (2 * ROWS) / 60) * 1000 + 30_000,
    });
    const overIdeal = (xs: RateFigures[]) => summarize(xs.map((x) => x.spanS / idealSeconds(schedule, ROWS, x.firstPostAfterClockMs)));
    const notes = [...runs.notes];
    for (const [i, x] of runs.ours.entries()) {
      if (x.firstPostAfterClockMs >= 500) notes.push(`tool run ${i + 1}: first POST ${(x.firstPostAfterClockMs / 1000).toFixed(1)} s after the schedule's clock started`);
    }
    const note = notes.join('; ') || undefined;
    return [
      row('7', `span of write traffic / ideal (${ROWS.toLocaleString('en-US')} rows, ${WORKERS} workers; ideal ${ideal.toFixed(1)} s)`, 'x', overIdeal(runs.ours), overIdeal(runs.base), { kind: 'max', value: 1.15, text: '<= 1.15x the ideal' }, note),
      row('7', 'span of write traffic (last - first POST)', 's', figureOf(runs.ours, 'spanS'), figureOf(runs.base, 'spanS'), null),
      row('7', '429 share of requests', '%', share429(runs.ours), share429(runs.base), { kind: 'max', value: 3, text: '<= 3%' }),
      row('7', 'mean accepted rate', '/s', figureOf(runs.ours, 'meanRate'), figureOf(runs.base, 'meanRate'), null),
    ];
  },
};
