import { SlidingWindow } from './sliding-window.js';

/** Whether the simulated server admits one request, and what its rate-limit headers should say. */
export interface AdmissionDecision {
  /** True when the request fits in the window and was counted. */
  accepted: boolean;
  /** Requests still allowed in the current window after this one. */
  remaining: number;
  /** Ms until the oldest accepted request leaves the window and frees a slot (for a 429: the wait before a retry). */
  resetMs: number;
}

/**
 * The simulated server's side of a rate limit, the one S1 would enforce: at most `limit` admitted requests in any
 * `windowMs` window. (The client side, which keeps workers under the limit, lives in src/queue.) Rejected requests are
 * not recorded, so a client hammering through 429s does not push its own recovery further away.
 * The limit is passed per call so it can change at run time without losing the window's history.
 */
export class AdmissionWindow {
  private readonly accepted: SlidingWindow;

  constructor(windowMs = 1_000) {
    this.accepted = new SlidingWindow(windowMs);
  }

  tryAdmit(now: number, limit: number): AdmissionDecision {
    this.accepted.expire(now);
    const accepted = this.accepted.size < limit;
    if (accepted) this.accepted.push(now);
    const oldest = this.accepted.oldest();
    return {
      accepted,
      remaining: Math.max(0, limit - this.accepted.size),
      resetMs: oldest === undefined ? 0 : Math.max(0, oldest + this.accepted.windowMs - now),
    };
  }

  clear(): void {
    this.accepted.clear();
  }
}
