import type { OutgoingHttpHeaders } from 'node:http';
import { problemAnswer, type Answer } from './api-answer.js';
import type { SimState } from './sim-state.js';

/** The admission window's verdict as HTTP: a 429 to send, or headers to add to the accepted answer. */
export interface RateGateResult {
  rejected?: Answer;
  headers?: OutgoingHttpHeaders;
}

const PASS: RateGateResult = {};

/**
 * Applies the server-side sliding-window limit to one API request arriving at `now`, at the limit in force then
 * (`rateSchedule`'s rate when one is set, else `rate`; the window keeps its history across a change). With a limit
 * of 0 it is a no-op. Retry-After rounds up to whole seconds (min 1) so a client that honours it exactly is never
 * early; the 429's message and the headers state the limit in force.
 */
export function rateGate(state: SimState, now: number): RateGateResult {
  const { rateLimitHeaders, retryAfter } = state.options;
  // The router starts the schedule's clock at arrival; this covers a gate called on its own (tests).
  state.apiRequestArrived(now);
  const rate = state.rateAt(now);
  if (rate === 0) return PASS;
  const decision = state.admission.tryAdmit(now, rate);
  let headers: OutgoingHttpHeaders | undefined;
  if (rateLimitHeaders) {
    const resetSeconds = Math.ceil(decision.resetMs / 1000);
    headers = {
      'ratelimit-limit': rate,
      'ratelimit-remaining': decision.remaining,
      'ratelimit-reset': resetSeconds,
      'x-ratelimit-limit': rate,
      'x-ratelimit-remaining': decision.remaining,
      // X-RateLimit-Reset is conventionally an epoch time in seconds (GitHub, Twitter), unlike RateLimit-Reset.
      'x-ratelimit-reset': Math.ceil((Date.now() + decision.resetMs) / 1000),
    };
  }
  if (decision.accepted) return headers ? { headers } : PASS;
  headers ??= {};
  if (retryAfter === 'seconds') {
    headers['retry-after'] = String(Math.max(1, Math.ceil(decision.resetMs / 1000)));
  } else if (retryAfter === 'date') {
    // HTTP-dates have whole seconds: round the instant up so the date is never before the slot frees.
    headers['retry-after'] = new Date(Math.ceil((Date.now() + decision.resetMs) / 1000) * 1000).toUTCString();
  }
  return {
    rejected: problemAnswer(429, `Rate limit of ${rate} requests per second exceeded.`, headers),
  };
}
