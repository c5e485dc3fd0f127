import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
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

/** Told when a request goes out and when its answer starts coming back (the rate limiter's slot listens). */
export interface WireObserver {
  /**
   * The request is being written to its socket: after any new connection was made and after any wait for a free
   * one, i.e. as close to the moment the server sees it as the client can know. Not called when nothing was
   * written (refused id, connection failed).
   */
  sent(): void;
  /** The answer's status line and headers have arrived. */
  answered(): void;
}

export interface S1RequestOptions {
  /** Aborts the request (forced shutdown). */
  signal?: AbortSignal;
  observer?: WireObserver;
}

export interface S1Client {
  /** POST /public/v1/accounts/account-users/{id}/groups. Never retries: BullMQ owns retries. */
  assignToGroup(accountUserId: string, groupId: string, opts?: S1RequestOptions & { idempotencyKey?: string }): Promise<S1Answer>;
  /** GET /public/v1/accounts/account-users?offset&limit. */
  listAccountUsers(offset: number, limit: number, opts?: S1RequestOptions): Promise<S1Answer>;
  /** GET /public/v1/accounts/user-groups?offset&limit. */
  listUserGroups(offset: number, limit: number, opts?: S1RequestOptions): Promise<S1Answer>;
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

  function send(method: 'GET' | 'POST', path: string, body: string | undefined, extra: Record<string, string>, opts: S1RequestOptions): Promise<S1Answer> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new S1TransportError('aborted', 'request aborted'));
    // The deadline is undici's headersTimeout/bodyTimeout (set on the pool): a per-request AbortSignal.timeout plus
    // AbortSignal.any cost more CPU than the rest of the call (profiled). The bodies here are a few KB, so the
    // inter-chunk body timeout is as good as a whole-exchange one. `signal` is the caller's (forced shutdown).
    return new Promise<S1Answer>((resolve, reject) => {
      const handler = new AnswerHandler(opts, (err, answer) => (err ? reject(toTransportError(err, signal, timeoutMs)) : resolve(answer!)));
      pool.dispatch(
        {
          method,
          path: basePath + path,
          body,
          headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...extra },
        },
        handler,
      );
    });
  }

  return {
    assignToGroup(accountUserId, groupId, opts = {}) {
      // Invariant: nothing unvalidated reaches a URL, even if a caller skipped the CSV checks.
      if (!isSafeId(accountUserId) || !isSafeId(groupId)) {
        return Promise.reject(new S1TransportError('invalid-id', 'refused to send an unsafe id'));
      }
      const extra: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
      return send('POST', `/public/v1/accounts/account-users/${encodeURIComponent(accountUserId)}/groups`, JSON.stringify({ id: groupId }), extra, opts);
    },
    listAccountUsers(offset, limit, opts = {}) {
      return send('GET', `/public/v1/accounts/account-users?offset=${Math.trunc(offset)}&limit=${Math.trunc(limit)}`, undefined, {}, opts);
    },
    listUserGroups(offset, limit, opts = {}) {
      return send('GET', `/public/v1/accounts/user-groups?offset=${Math.trunc(offset)}&limit=${Math.trunc(limit)}`, undefined, {}, opts);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
}

/** Answers larger than this are cut off as a network failure: the API's answers are a few KB. */
const MAX_ANSWER_BYTES = 8 * 2 ** 20;

/**
 * The requests in flight under each caller's signal, aborted together by one listener per signal. A worker passes
 * the same signal (its forced shutdown) with every request; adding and removing an `abort` listener per request cost
 * ~10 µs of EventTarget work each (measured, Node 20). An intrusive list whose links are cleared when a request
 * ends, not a Set: a Set's tables are replaced as entries come and go, and an obsolete table keeps pointing at its
 * successor, so once one had reached V8's old generation every later answer was kept alive into it too (sampled:
 * 7.8 KB per row ended in major collections, against 2.8 with a listener per request).
 */
interface InFlight {
  head: AnswerHandler | undefined;
}
const inFlightUnder = new WeakMap<AbortSignal, InFlight>();

function inFlightList(signal: AbortSignal): InFlight {
  let list = inFlightUnder.get(signal);
  if (!list) {
    const created: InFlight = { head: undefined };
    list = created;
    inFlightUnder.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        // Collected first: aborting one request may settle others (and unlink them) before the walk reaches them.
        const all: AnswerHandler[] = [];
        for (let h = created.head; h; h = h.nextInFlight) all.push(h);
        for (const h of all) h.abort();
      },
      { once: true },
    );
  }
  return list;
}

/**
 * Collects one answer straight from undici's dispatch handler calls. undici's `request()` wraps every answer in a
 * Readable stream and its promise plumbing, which cost a worker more CPU than the rest of its HTTP call (measured:
 * ~50 µs of ~180 µs per row against the simulator); the answers here are small JSON documents read whole anyway.
 * It is also where the observer learns when the request is written and when its answer starts.
 */
class AnswerHandler implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  /** This request's place among those in flight under its signal (see inFlightList). */
  private inFlight: InFlight | undefined;
  private prevInFlight: AnswerHandler | undefined;
  nextInFlight: AnswerHandler | undefined;

  constructor(
    private readonly opts: S1RequestOptions,
    private readonly done: (err: unknown, answer?: S1Answer) => void,
  ) {
    if (opts.signal) {
      const list = inFlightList(opts.signal);
      this.inFlight = list;
      this.nextInFlight = list.head;
      if (list.head) list.head.prevInFlight = this;
      list.head = this;
    }
  }

  private leaveInFlight(): void {
    const list = this.inFlight;
    if (!list) return;
    if (this.prevInFlight) this.prevInFlight.nextInFlight = this.nextInFlight;
    else list.head = this.nextInFlight;
    if (this.nextInFlight) this.nextInFlight.prevInFlight = this.prevInFlight;
    this.inFlight = this.prevInFlight = this.nextInFlight = undefined;
  }

  /** The caller's signal fired. */
  abort(): void {
    if (this.settled) return;
    const reason = new Error('request aborted');
    if (this.controller) this.controller.abort(reason);
    // Still waiting for a socket: answer now rather than when one frees up (onRequestStart then drops it unsent).
    else this.settle(reason);
  }

  // undici calls this right before it writes the request to the socket (after any connect or wait for a socket).
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Aborted while it waited for a socket: nothing is written.
    if (this.opts.signal?.aborted) {
      controller.abort(new Error('request aborted'));
      return;
    }
    this.opts.observer?.sent();
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.opts.observer?.answered();
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > MAX_ANSWER_BYTES) {
      controller.abort(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const text = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    let parsed: unknown;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    this.settle(undefined, { status: this.status, headers: this.headers, body: parsed, durationMs: performance.now() - this.started });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.settle(err);
  }

  private settle(err: unknown, answer?: S1Answer): void {
    if (this.settled) return;
    this.settled = true;
    this.leaveInFlight();
    this.done(err, answer);
  }
}

function toTransportError(err: unknown, signal: AbortSignal | undefined, timeoutMs: number): S1TransportError {
  // A forced shutdown first: whatever undici reports then (a connect timeout, a reset), it is not the row's fault.
  if (signal?.aborted) return new S1TransportError('aborted', 'request aborted');
  const code = (err as { code?: string } | null)?.code;
  if (code !== undefined && TIMEOUT_ERRORS.includes(code)) {
    return new S1TransportError('timeout', `no answer within ${timeoutMs} ms`);
  }
  const what = err instanceof undiciErrors.UndiciError || err instanceof Error ? `${code ?? err.name}: ${err.message}` : String(err);
  // The cause is kept for debugging; undici errors carry no request headers, so no token can leak through it.
  return new S1TransportError('network', `connection failed (${what})`);
}
