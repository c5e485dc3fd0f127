import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { isSafeId } from './safe-id.js';

/** Options of the S1 HTTP client. */
export interface S1ClientOptions {
  /** Base URL, e.g. https://api.s1.today. */
  baseUrl: string;
  /** Bearer token; kept in a closure, never in an error or a returned object. */
  token: string;
  /** Per-request timeout (headers and body), in ms. @defaultValue 15000 */
  timeoutMs?: number;
  /** Keep-alive connections to the API. @defaultValue 64 */
  connections?: number;
}

/** What the API answered, whatever the status. Network faults throw S1TransportError instead. */
export interface S1Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  durationMs: number;
}

export type TransportFailure = 'timeout' | 'network' | 'aborted' | 'invalid-id';

/** The request never produced an answer (or was refused before it was sent). */
export class S1TransportError extends Error {
  readonly code: TransportFailure;
  constructor(code: TransportFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'S1TransportError';
    this.code = code;
  }
}

export interface S1Client {
  /** POST /public/v1/accounts/account-users/{id}/groups. Never retries: BullMQ owns retries. */
  assignToGroup(accountUserId: string, groupId: string, opts?: { signal?: AbortSignal; idempotencyKey?: string }): Promise<S1Answer>;
  /** GET /public/v1/accounts/account-users?offset&limit. */
  listAccountUsers(offset: number, limit: number, opts?: { signal?: AbortSignal }): Promise<S1Answer>;
  close(): Promise<void>;
}

const TIMEOUT_ERRORS = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'];

export function createS1Client(options: S1ClientOptions): S1Client {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 64,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
  });
  const authorization = `Bearer ${options.token}`;
  let closed = false;

  async function send(method: 'GET' | 'POST', path: string, body: string | undefined, extra: Record<string, string>, signal?: AbortSignal): Promise<S1Answer> {
    const started = performance.now();
    // The deadline is undici's headersTimeout/bodyTimeout (set on the pool): a per-request AbortSignal.timeout plus
    // AbortSignal.any cost more CPU than the rest of the call (profiled). The bodies here are a few KB, so the
    // inter-chunk body timeout is as good as a whole-exchange one. `signal` is the caller's (forced shutdown).
    try {
      const res = await pool.request({
        method,
        path: basePath + path,
        body,
        signal,
        headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...extra },
      });
      const text = await res.body.text();
      let parsed: unknown;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
      }
      return { status: res.statusCode, headers: res.headers, body: parsed, durationMs: performance.now() - started };
    } catch (err) {
      throw toTransportError(err, signal, timeoutMs);
    }
  }

  return {
    assignToGroup(accountUserId, groupId, opts = {}) {
      // Invariant: nothing unvalidated reaches a URL, even if a caller skipped the CSV checks.
      if (!isSafeId(accountUserId) || !isSafeId(groupId)) {
        return Promise.reject(new S1TransportError('invalid-id', 'refused to send an unsafe id'));
      }
      const extra: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
      return send('POST', `/public/v1/accounts/account-users/${encodeURIComponent(accountUserId)}/groups`, JSON.stringify({ id: groupId }), extra, opts.signal);
    },
    listAccountUsers(offset, limit, opts = {}) {
      return send('GET', `/public/v1/accounts/account-users?offset=${Math.trunc(offset)}&limit=${Math.trunc(limit)}`, undefined, {}, opts.signal);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
}

function toTransportError(err: unknown, signal: AbortSignal | undefined, timeoutMs: number): S1TransportError {
  const code = (err as { code?: string } | null)?.code;
  if (code !== undefined && TIMEOUT_ERRORS.includes(code)) {
    return new S1TransportError('timeout', `no answer within ${timeoutMs} ms`);
  }
  if (signal?.aborted) return new S1TransportError('aborted', 'request aborted');
  const what = err instanceof undiciErrors.UndiciError || err instanceof Error ? `${code ?? err.name}: ${err.message}` : String(err);
  // The cause is kept for debugging; undici errors carry no request headers, so no token can leak through it.
  return new S1TransportError('network', `connection failed (${what})`);
}
