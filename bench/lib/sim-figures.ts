import type { SimStats } from '../../src/sim/index.js';
import { summarize, type Summary } from './summary.js';

/** What the rate scenarios read off the simulator, all counted at the server. */
export interface RateFigures {
  posts: number;
  accepted: number;
  rejected429: number;
  /** Most POST arrivals (any answer) within any sliding 1,000 ms. */
  maxInAnySecond: number;
  /** Accepted requests / (last arrival - first arrival), per second. */
  meanRate: number;
  /** Last POST arrival - first POST arrival, seconds (0 with fewer than two POSTs). */
  spanS: number;
  /**
   * First POST arrival, ms after the simulator's rate-schedule clock started (its first API request: a tool's
   * preflight read can come before its first POST). 0 when either is unknown.
   */
  firstPostAfterClockMs: number;
}

export function rateFigures(s: SimStats): RateFigures {
  const accepted = s.byStatus['200'] ?? 0;
  const spanS = s.firstAt !== null && s.lastAt !== null ? (s.lastAt - s.firstAt) / 1000 : 0;
  return {
    posts: s.posts,
    accepted,
    rejected429: s.byStatus['429'] ?? 0,
    maxInAnySecond: s.maxInAnySecond,
    meanRate: spanS > 0 ? accepted / spanS : 0,
    spanS,
    firstPostAfterClockMs: s.firstAt !== null && s.scheduleStartAt !== null ? Math.max(0, s.firstAt - s.scheduleStartAt) : 0,
  };
}

/** 429 answers as a percentage of all POSTs, over the repetitions. */
export function share429(xs: RateFigures[]): Summary {
  return summarize(xs.map((x) => (x.posts > 0 ? (100 * x.rejected429) / x.posts : 0)));
}

/** One numeric figure over the repetitions. */
export function figureOf(xs: RateFigures[], key: keyof RateFigures): Summary {
  return summarize(xs.map((x) => x[key]));
}

/**
 * Where a run's time went, as the simulator saw its POSTs: from the spawn to the first, the span of them all (and
 * the rate over it), from the last to the end of the timing. `startedAt` and `elapsedMs` on performance.now().
 */
export function runTimeline(s: SimStats, startedAt: number, elapsedMs: number): string {
  if (s.firstAt === null || s.lastAt === null) return 'no POST seen';
  const spawnAt = performance.timeOrigin + startedAt;
  const spanS = (s.lastAt - s.firstAt) / 1000;
  const fmt = (ms: number) => (ms / 1000).toFixed(2);
  return `first POST at ${fmt(s.firstAt - spawnAt)} s, POSTs over ${spanS.toFixed(2)} s (${Math.round(s.posts / Math.max(spanS, 0.001))}/s), end ${fmt(spawnAt + elapsedMs - s.lastAt)} s after the last`;
}
