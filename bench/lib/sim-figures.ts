import type { SimStats } from '../../src/sim/index.js';

/** What the rate scenarios read off the simulator, all counted at the server. */
export interface RateFigures {
  posts: number;
  accepted: number;
  rejected429: number;
  /** Most POST arrivals (any answer) within any sliding 1,000 ms. */
  maxInAnySecond: number;
  /** Accepted requests / (last arrival - first arrival), per second. */
  meanRate: number;
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
  };
}
