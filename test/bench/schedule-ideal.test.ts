import { describe, expect, it } from 'vitest';
import { idealSeconds } from '../../bench/lib/schedule-ideal.js';
import { parseRateSchedule, type RateSchedule } from '../../src/sim/index.js';

const schedule = (text: string): RateSchedule => {
  const s = parseRateSchedule(text);
  if (typeof s === 'string') throw new Error(s);
  return s;
};

// Scenario 7 is judged against this ideal: a wrong one would pass a slow limiter or fail a good one.
describe("scenario 7's ideal time under a moving limit", () => {
  const s = schedule('150:15,60:15,150');
  it('uses every second to its limit: 2,250 + 900 in the first 30 s, the rest at 150/s', () => {
    expect(idealSeconds(s, 5000)).toBeCloseTo(30 + 1850 / 150, 6);
    expect(idealSeconds(s, 2250)).toBeCloseTo(15, 6);
    expect(idealSeconds(s, 100)).toBeCloseTo(100 / 150, 6);
  });

  it('starts where the first POST fell on the schedule (the workers’ preflight started its clock)', () => {
    // From 1 s in: 14 s at 150 (2,100), 15 s at 60 (900), then 2,000 left at 150/s.
    expect(idealSeconds(s, 5000, 1000)).toBeCloseTo(14 + 15 + 2000 / 150, 6);
    expect(idealSeconds(s, 100, 20_000)).toBeCloseTo(100 / 60, 6);
  });

  it('an unlimited segment takes what is left at once', () => {
    expect(idealSeconds(schedule('10:2,0'), 50)).toBeCloseTo(2, 6);
  });
});
