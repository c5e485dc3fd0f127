import type { RateSchedule } from '../../src/sim/index.js';

/**
 * The ideal time for `requests` accepted requests under a moving limit: seconds from `fromMs` (ms after the
 * schedule's clock started) until the schedule's allowance, every second used to its limit, reaches `requests`.
 * `150:15,60:15,150` from 0 for 5,000: 2,250 in the first 15 s, 900 in the next 15 s, the remaining 1,850 at 150/s
 * in 12.3 s: 42.3 s. A segment of rate 0 (unlimited) takes whatever is left at once.
 */
export function idealSeconds(schedule: RateSchedule, requests: number, fromMs = 0): number {
  const from = fromMs / 1000;
  let left = requests;
  let start = 0;
  for (const [i, segment] of schedule.segments.entries()) {
    const last = i === schedule.segments.length - 1;
    const end = last || segment.seconds === null ? Infinity : start + segment.seconds;
    const begin = Math.max(start, from);
    if (end > begin) {
      if (segment.rate === 0) return begin - from;
      const capacity = (end - begin) * segment.rate;
      if (left <= capacity) return begin + left / segment.rate - from;
      left -= capacity;
    }
    start = end;
  }
  throw new Error(`schedule ${schedule.text} has no segments`);
}
