/** Defaults of the probe gaps; see OutboundRateLimiterOptions. */
export const DIP_PROBE_MS = 3000;
export const UP_PROBE_MS = 30_000;

export interface OutboundRateLimiterOptions {
  /** Requests allowed in any sliding window, across all processes sharing the Redis keys. */
  rate: number;
  /** The window, in ms. @defaultValue 1000 */
  windowMs?: number;
  /**
   * Extra ms added to the window. Each slot is stamped with the moment its request was written to the socket, but the
   * request reaches the server a little later and by a varying amount (network, the server's own queue); without
   * slack two requests stamped just over a window apart could arrive just under it.
   * @defaultValue 25
   */
  slackMs?: number;
  /** Told when Redis fails a grant round (the pump keeps going: waiters wait, none is failed). @defaultValue none */
  onError?: (err: unknown) => void;
  /**
   * The monotonic clock, in ms, that times this process' sends and answers (how long a request took, how long a grant
   * took to come back, the age of a re-stamp). The log's stamps never come from it: Redis stamps with its own clock.
   * Tests inject one to set round trips exactly instead of sleeping for them.
   * @defaultValue performance.now
   */
  clock?: () => number;
  /**
   * How long without a 429 before a limit learnt from bare 429s is probed back to the level it fell from (a dip);
   * x1.5 after each probe that fails. @defaultValue 3000
   */
  dipProbeMs?: number;
  /**
   * How long without a 429 before the limit is probed a quarter above the highest level the server held; x2 after
   * each probe that fails (a failed probe costs a whole Retry-After pause). @defaultValue 30000
   */
  upProbeMs?: number;
  /**
   * Told when the limit in force for every worker changed, in exactly one process (a burst of 429s is told once,
   * at the first grant after it): `why` is 'measured' (a 429), 'announced' (a RateLimit header), 'probe' or
   * 'configured'.
   */
  onLimitChange?: (limit: number, why: string) => void;
}

/** Thrown to waiters when the limiter is closed (shutdown): the request was never sent. */
export class LimiterClosedError extends Error {
  constructor() {
    super('rate limiter closed');
    this.name = 'LimiterClosedError';
  }
}
