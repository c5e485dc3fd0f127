import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver, jsonAnswer, problemAnswer, quote } from './api-answer.js';
import { authorize } from './authorize.js';
import { answerFault } from './fault-answer.js';
import type { FaultTarget } from './fault-rules.js';
import { rateGate } from './rate-gate.js';
import type { SimState } from './sim-state.js';

/** Largest page a list call returns; bigger `limit` values are cut to it, as paging APIs usually do. */
export const MAX_PAGE = 1000;
/** Page size when `limit` is absent. */
export const DEFAULT_PAGE = 10;

/** One page of a list: the total, and the items as JSON text already joined by commas. */
export interface ListPage {
  total: number;
  data: string;
}

/**
 * A paged GET list call, answered as S1 does: `{ "$meta": { "pagination": { offset, limit, total } }, "data": [...] }`
 * with `limit` as applied (capped). Checks in the assign call's order, for the same reasons: auth, injected faults,
 * the rate limit (shared with the assign call: list calls use up the same quota), then the query (400).
 * Other query parameters (RQL filters, `select`) are ignored: a tool must not depend on them (s1-api.md).
 */
export function handleListCall(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  now: number,
  call: FaultTarget['call'],
  readPage: (offset: number, limit: number) => ListPage,
): void {
  state.stats.recordListCall(now);
  const denied = authorize(state, req);
  if (denied) return deliver(state, req, res, denied);

  const params = new URLSearchParams(query);
  const offset = nonNegativeInt(params, 'offset', 0);
  if (state.faults.size > 0) {
    const fault = state.faults.take({ call, offset: typeof offset === 'number' ? offset : undefined });
    if (fault && answerFault(state, req, res, fault)) return;
  }

  const gate = rateGate(state, now);
  if (gate.rejected) return deliver(state, req, res, gate.rejected);

  if (typeof offset === 'string') return deliver(state, req, res, problemAnswer(400, offset));
  const limitAsked = nonNegativeInt(params, 'limit', DEFAULT_PAGE);
  if (typeof limitAsked === 'string') return deliver(state, req, res, problemAnswer(400, limitAsked));
  const limit = Math.min(limitAsked, MAX_PAGE);
  const { total, data } = readPage(offset, limit);
  const meta = JSON.stringify({ pagination: { offset, limit, total } });
  deliver(state, req, res, jsonAnswer(200, `{"$meta":${meta},"data":[${data}]}`, gate.headers));
}

/** The parameter's value, its default when absent, or a problem `detail` naming it when malformed. */
function nonNegativeInt(params: URLSearchParams, name: string, fallback: number): number | string {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw)) return `Query parameter '${name}' must be a non-negative integer, got ${quote(raw)}.`;
  return Number(raw);
}
