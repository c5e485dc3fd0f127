import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountUserJson } from './account-user-json.js';
import { deliver, jsonAnswer, problemAnswer, quote } from './api-answer.js';
import { authorize } from './authorize.js';
import { rateGate } from './rate-gate.js';
import type { SimState } from './sim-state.js';

/** Largest page the list call returns; bigger `limit` values are cut to it, as paging APIs usually do. */
export const MAX_PAGE = 1000;
/** Page size when `limit` is absent. */
export const DEFAULT_PAGE = 10;

/** `GET /public/v1/accounts/account-users?offset=&limit=`: account users in id order, with groups and e-mail. */
export function handleAccountUserList(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  now: number,
): void {
  const denied = authorize(state, req);
  if (denied) return deliver(state, req, res, denied);
  const gate = rateGate(state, now);
  if (gate.rejected) return deliver(state, req, res, gate.rejected);

  const params = new URLSearchParams(query);
  const offset = nonNegativeInt(params, 'offset', 0);
  if (typeof offset === 'string') return deliver(state, req, res, problemAnswer(400, offset));
  const limitAsked = nonNegativeInt(params, 'limit', DEFAULT_PAGE);
  if (typeof limitAsked === 'string') return deliver(state, req, res, problemAnswer(400, limitAsked));
  const limit = Math.min(limitAsked, MAX_PAGE);
  const { total, records } = state.store.page(offset, limit);
  const data = records.map((r) => accountUserJson(r, state.store.groupsOf(r.id), state.createdAt)).join(',');
  const meta = JSON.stringify({ pagination: { offset, limit, total } });
  const answer = jsonAnswer(200, `{"$meta":${meta},"data":[${data}]}`, gate.headers);
  deliver(state, req, res, answer);
}

/** The parameter's value, its default when absent, or a problem `detail` naming it when malformed. */
function nonNegativeInt(params: URLSearchParams, name: string, fallback: number): number | string {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw)) return `Query parameter '${name}' must be a non-negative integer, got ${quote(raw)}.`;
  return Number(raw);
}
