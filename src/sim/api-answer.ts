import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { SimState } from './sim-state.js';

/** An answer decided for an S1 API request, not yet written. */
export interface Answer {
  status: number;
  contentType: string;
  body: string;
  headers?: OutgoingHttpHeaders;
}

/** A JSON answer from text already serialised (see account-user-json.ts for why). */
export function jsonAnswer(status: number, json: string, headers?: OutgoingHttpHeaders): Answer {
  return { status, contentType: 'application/json; charset=utf-8', body: json, headers };
}

/** An RFC 9457 problem details answer with the members s1-api.md documents. */
export function problemAnswer(status: number, detail: string, headers?: OutgoingHttpHeaders): Answer {
  const body = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    traceId: randomUUID().replaceAll('-', ''),
  };
  return { status, contentType: 'application/problem+json', body: JSON.stringify(body), headers };
}

/** Quotes a client-supplied value for a `detail`, cut short so a huge id cannot bloat the answer. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

/**
 * Writes an API answer after the configured latency, with the deprecation headers when enabled, and counts it in
 * stats when it is actually sent (an answer cut off by close() was never seen by the client).
 */
export function deliver(state: SimState, req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  const { latencyMs, latencyJitterMs } = state.options;
  let delay = latencyMs;
  if (latencyJitterMs > 0) delay += (Math.random() * 2 - 1) * latencyJitterMs;
  if (delay <= 0) {
    write(state, res, answer);
    return;
  }
  const socket = req.socket;
  const timer = setTimeout(() => {
    state.delayed.delete(timer);
    write(state, res, answer);
  }, delay);
  state.delayed.set(timer, socket);
}

function write(state: SimState, res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  const headers: OutgoingHttpHeaders = {
    ...answer.headers,
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
  };
  if (state.options.deprecation) {
    headers.deprecation = 'true';
    headers.sunset = state.sunset;
  }
  res.writeHead(answer.status, headers);
  res.end(answer.body);
  state.stats.recordAnswer(answer.status);
}
