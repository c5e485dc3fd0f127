// Recent round trips (write to answer) kept to know how long the API usually takes to answer, once this many are in.
const ROUND_TRIPS_KEPT = 100;
const ROUND_TRIPS_LEARNING = 20;

/**
 * How long a request's round trip may take before its slot is stamped later than its send: the window's slack for a
 * quick API; for a slow one (its quickest answer takes longer than the slack), its usual spread of answer times,
 * twice the median less the quickest.
 */
export class RoundTripAllowance {
  // A typed array: its sort is numeric and allocates no boxed numbers (a comparator sort of a plain array did, ~1 KB per row).
  private readonly roundTrips = new Float64Array(ROUND_TRIPS_KEPT);
  private seen = 0;
  private usual = 0;

  constructor(private readonly slackMs: number) {}

  /** Records a round trip; returns how long one may take without its round being stamped later. */
  allowed(ms: number): number {
    const seen = this.seen++;
    this.roundTrips[seen % ROUND_TRIPS_KEPT] = ms;
    // A worker's first answers cannot tell a slow API from a stalled server (all of a first round can arrive late
    // together, as measured against a busy simulator): until they can, hold them to the slack.
    if (seen < ROUND_TRIPS_LEARNING) return this.slackMs;
    if (seen % 10 === 0) {
      // Only an API whose quickest answer takes longer than the slack is slow; a quick one with late answers, even
      // many (a server stalling again and again), stays held to the slack. The quickest is found in one pass, and
      // only a slow API's times are sorted for their median: the sort cost a quick API's worker 0.57 µs per row
      // (profiled, 100,000 rows against the simulator), more than the rest of the limiter's own code.
      const kept = Math.min(seen + 1, ROUND_TRIPS_KEPT);
      let quickest = Infinity;
      for (let i = 0; i < kept; i++) if (this.roundTrips[i]! < quickest) quickest = this.roundTrips[i]!;
      if (quickest > this.slackMs) {
        const sorted = this.roundTrips.slice(0, kept).sort();
        this.usual = 2 * sorted[kept >> 1]! - quickest;
      } else this.usual = 0;
    }
    return Math.max(this.slackMs, this.usual);
  }
}
