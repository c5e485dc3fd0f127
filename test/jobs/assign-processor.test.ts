/**
 * The assign processor on its own, one test per answer rule: a fake context (our own interfaces, not BullMQ, Redis
 * or HTTP) records what the processor asked for. The end-to-end tests prove the same rules over real sockets; these
 * say which rule broke when one does.
 */
import { RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { createAssignProcessor, type AssignContext, type AssignPayload } from '../../jobs/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { BatchGoneError } from '../../src/queue/batch-gone.js';
import type { FailureDetail } from '../../src/queue/outcomes.js';
import { S1TransportError, type S1Answer, type TransportFailure, type WireObserver } from '../../src/s1/index.js';

const USER = 'AUSR-0000-0000-0001';
const GROUP = 'UGR-0000-0001';
const config = loadConfig({ apiToken: 'test-token' }, { S1_MAX_ATTEMPTS: '3', S1_MAX_RATE_LIMITED: '2', S1_BACKOFF_MS: '100', S1_RATE_LIMIT: '50' });

type Reply = S1Answer | S1TransportError;

function answer(status: number, body: unknown = undefined, headers: Record<string, string> = {}): S1Answer {
  return { status, headers, body, durationMs: 1 };
}
const withGroup = (id = GROUP) => answer(200, { id: USER, groups: [{ id }] });
const problem = (status: number, detail: string) => answer(status, { type: 'about:blank', title: 'x', status, detail });

/** `slotAtHand`: the limiter holds a slot granted ahead (acquireNow gives it) rather than waiting for a grant. */
function harness(reply: Reply, opts: { slotAtHand?: boolean; store?: Partial<AssignContext['store']> } = {}) {
  const outcomes: Array<{ detail: FailureDetail; countAs: number | string | undefined }> = [];
  const counted: Array<number | string> = [];
  const pauses: number[] = [];
  const learnt: Array<number | undefined> = [];
  // The rate slot each request went out on, and the one each 429 was learnt from.
  const sentOn: Array<WireObserver | undefined> = [];
  const learntFrom: Array<WireObserver | undefined> = [];
  const authFailures: number[] = [];
  const deprecations: string[] = [];
  const done: string[] = [];
  let authFailed = false;
  let requests = 0;
  let networkFailures = 0;
  const lines: string[] = [];
  const slots = { granted: 0, atHand: 0 };
  const gone: Error[] = [];
  const addedAgain: Array<{ data: AssignPayload; delayMs: number }> = [];
  const out = { now: 0, ended: 0 };
  const ctx: AssignContext = {
    client: {
      assignToGroup: async (_u: string, _g: string, opts?: { observer?: WireObserver }) => {
        requests++;
        sentOn.push(opts?.observer);
        if (reply instanceof S1TransportError) throw reply;
        return reply;
      },
      listAccountUsers: () => Promise.reject(new Error('not used')),
      listUserGroups: () => Promise.reject(new Error('not used')),
      close: async () => undefined,
    },
    limiter: {
      acquireNow: () => {
        if (!opts.slotAtHand) return undefined;
        slots.atHand++;
        return { sent: () => undefined, answered: () => undefined };
      },
      acquire: async () => {
        slots.granted++;
        return { sent: () => undefined, answered: () => undefined };
      },
      pause: async (ms) => void pauses.push(ms),
      learn: async (announced, slot) => {
        learnt.push(announced);
        learntFrom.push(slot);
        return announced ?? config.rateLimit;
      },
    },
    store: {
      recordOutcomeCoalesced: async (_batchId: string, detail: FailureDetail, _mode?: 'set' | 'if-absent', countAs?: number | string, sent?: () => void) => {
        outcomes.push({ detail, countAs });
        sent?.();
        return { changed: true, done: true };
      },
      countRequest: async (_batchId: string, status: number | string) => void counted.push(status),
      noteDeprecation: async (_batchId: string, text: string) => {
        deprecations.push(text);
        return deprecations.length === 1;
      },
      ...opts.store,
    },
    config,
    log: createLogger({ level: 'debug', destination: { write: (s: string) => lines.push(s) } }),
    forceSignal: new AbortController().signal,
    withConnection: (fn) => fn(),
    reachability: {
      networkFailed: () => ++networkFailures >= 3,
      answered: () => void (networkFailures = 0),
    },
    isAuthFailed: () => authFailed,
    onBatchDone: (b) => void done.push(b),
    onBatchGone: (err) => void gone.push(err),
    onAuthFailure: async (status) => {
      authFailed = true;
      authFailures.push(status);
    },
    outcomesOut: {
      begin: () => void out.now++,
      end: () => {
        out.now--;
        out.ended++;
      },
    },
    addAgain: async (_job, data, delayMs) => void addedAgain.push({ data, delayMs }),
  };
  const process = createAssignProcessor(ctx);
  const run = (attemptsMade = 0, data: AssignPayload = { u: USER, g: GROUP }) => {
    const job = { id: 'b1-2', name: 'assign', data, attemptsMade, opts: {}, updateData: async (d: AssignPayload) => void (job.data = d) };
    return { job, result: process(job as unknown as Job<AssignPayload>) };
  };
  return { run, outcomes, counted, pauses, learnt, sentOn, learntFrom, authFailures, deprecations, done, lines, slots, gone, addedAgain, out, requests: () => requests, ctx };
}

describe('the assign processor, answer by answer', () => {
  it('200 listing the group: assigned, counted as 200 with the outcome, batch done reported', async () => {
    const h = harness(withGroup());
    await expect(h.run().result).resolves.toBe('assigned');
    expect(h.outcomes).toEqual([{ detail: expect.objectContaining({ line: 2, outcome: 'assigned', reason: '', httpStatus: 200, attempts: 1 }), countAs: 200 }]);
    expect(h.done).toEqual(['b1']);
  });

  it('200 whose groups do not list the group: failed not-applied, no retry', async () => {
    const h = harness(withGroup('UGR-9999-9999'));
    await expect(h.run().result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.outcomes[0]!.detail).toMatchObject({ outcome: 'failed', reason: 'not-applied', httpStatus: 200 });
  });

  it.each([400, 404, 409, 422])('%i: failed at once with the problem detail, no retry', async (status) => {
    const h = harness(problem(status, 'no such thing'));
    await expect(h.run().result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.outcomes[0]!.detail).toMatchObject({ outcome: 'failed', reason: `http-${status}`, httpStatus: status, message: 'no such thing' });
  });

  it('5xx before the last attempt: thrown for BullMQ to retry, no outcome yet, the request counted', async () => {
    const h = harness(problem(503, 'busy'));
    const err = await h.run(0).result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect(err).not.toBeInstanceOf(RateLimitError);
    expect(h.outcomes).toEqual([]);
    expect(h.counted).toEqual([503]);
  });

  it('5xx on the last attempt: failed with its status', async () => {
    const h = harness(problem(502, 'bad gateway'));
    await expect(h.run(config.maxAttempts - 1).result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.outcomes[0]!.detail).toMatchObject({ outcome: 'failed', reason: 'http-502', attempts: config.maxAttempts });
  });

  it.each([401, 403])('%i: stops every worker, puts the row back unsent of an attempt, no outcome', async (status) => {
    const h = harness(answer(status));
    await expect(h.run().result).rejects.toBeInstanceOf(RateLimitError);
    expect(h.authFailures).toEqual([status]);
    expect(h.outcomes).toEqual([]);
  });

  it('after a rejected token, later rows go back without a request', async () => {
    const h = harness(answer(401));
    await h.run().result.catch(() => undefined);
    expect(h.requests()).toBe(1);
    await expect(h.run().result).rejects.toBeInstanceOf(RateLimitError);
    expect(h.requests()).toBe(1);
    expect(h.authFailures).toEqual([401]);
  });

  it('429 with Retry-After: every worker pauses that long, the row goes back without using an attempt, its 429s counted in the job', async () => {
    const h = harness(answer(429, undefined, { 'retry-after': '3' }));
    const { job, result } = h.run();
    await expect(result).rejects.toBeInstanceOf(RateLimitError);
    expect(h.pauses).toEqual([3000]);
    expect(job.data.r).toBe(1);
    expect(h.outcomes).toEqual([]);
    expect(h.learnt).toEqual([undefined]);
    // Learnt from the slot the request went out on: the limiter measures the server's limit from when it was sent.
    expect(h.learntFrom).toHaveLength(1);
    expect(h.learntFrom[0]).toBeDefined();
    expect(h.learntFrom[0]).toBe(h.sentOn[0]);
  });

  it('a slot granted ahead is used at once: no wait for a grant, the request goes out on it, a 429 is learnt from it', async () => {
    const ok = harness(withGroup(), { slotAtHand: true });
    await expect(ok.run().result).resolves.toBe('assigned');
    expect(ok.slots).toEqual({ granted: 0, atHand: 1 });
    const h = harness(answer(429, undefined, { 'retry-after': '1' }), { slotAtHand: true });
    await expect(h.run().result).rejects.toBeInstanceOf(RateLimitError);
    expect(h.slots).toEqual({ granted: 0, atHand: 1 });
    expect(h.sentOn).toHaveLength(1);
    expect(h.learntFrom[0]).toBeDefined();
    expect(h.learntFrom[0]).toBe(h.sentOn[0]);
  });

  it('without a slot at hand the row waits for a grant; a token rejected meanwhile keeps it unsent', async () => {
    const h = harness(withGroup());
    await expect(h.run().result).resolves.toBe('assigned');
    expect(h.slots).toEqual({ granted: 1, atHand: 0 });
    h.ctx.limiter.acquire = async () => {
      await h.ctx.onAuthFailure(401, 'revoked');
      return { sent: () => undefined, answered: () => undefined };
    };
    await expect(createAssignProcessor(h.ctx)({ id: 'b1-3', name: 'assign', data: { u: USER, g: GROUP }, attemptsMade: 0, opts: {} } as unknown as Job<AssignPayload>)).rejects.toBeInstanceOf(RateLimitError);
    expect(h.requests()).toBe(1);
  });

  it("a failed row whose outcome Redis refuses: the job fails with the store's error (BullMQ runs it again); a batch gone is told to the worker", async () => {
    const err = new BatchGoneError('b1');
    const h = harness(problem(404, 'no such user'), { slotAtHand: true, store: { recordOutcomeCoalesced: () => Promise.reject(err) } });
    await expect(h.run().result).rejects.toBe(err);
    expect(h.gone).toEqual([err]);
    const other = new Error('redis down');
    const h2 = harness(problem(404, 'no such user'), { store: { recordOutcomeCoalesced: () => Promise.reject(other) } });
    await expect(h2.run().result).rejects.toBe(other);
    expect(h2.gone).toEqual([]);
  });

  it("an assigned row's job completes once its outcome call is written, before the answer; the log line and the batch's end come with the answer", async () => {
    let answer!: (r: { changed: boolean; done: boolean }) => void;
    let written!: () => void;
    const h = harness(withGroup(), {
      store: {
        recordOutcomeCoalesced: (_b, _d, _m, _c, sent) => {
          written = () => sent?.();
          return new Promise((resolve) => (answer = resolve));
        },
      },
    });
    let settled = false;
    const { result } = h.run();
    void result.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // not before the call is written
    expect(h.out.now).toBe(1);
    written();
    await expect(result).resolves.toBe('assigned');
    expect(h.done).toEqual([]);
    expect(h.lines.filter((l) => l.includes('"outcome":"assigned"'))).toEqual([]);
    answer({ changed: true, done: true });
    await new Promise((r) => setImmediate(r));
    expect(h.done).toEqual(['b1']);
    expect(h.lines.filter((l) => l.includes('"outcome":"assigned"'))).toHaveLength(1);
    expect(h.out).toEqual({ now: 0, ended: 1 });
  });

  it("an assigned row whose outcome call Redis refused after its job completed goes back to the queue (o counts the refusals); a batch gone is told to the worker instead", async () => {
    const refuse = (err: Error): Partial<AssignContext['store']> => ({
      recordOutcomeCoalesced: (_b, _d, _m, _c, sent) => {
        sent?.();
        return Promise.reject(err);
      },
    });
    const h = harness(withGroup(), { store: refuse(new Error('ERR Error running script: OOM')) });
    await expect(h.run(0, { u: USER, g: GROUP, r: 1, o: 2 }).result).resolves.toBe('assigned');
    await vi.waitFor(() => expect(h.out.ended).toBe(1));
    expect(h.addedAgain).toHaveLength(1);
    expect(h.addedAgain[0]!.data).toEqual({ u: USER, g: GROUP, r: 1, o: 3 });
    // The backoff of a third attempt: 1..400 ms with S1_BACKOFF_MS=100.
    expect(h.addedAgain[0]!.delayMs).toBeGreaterThanOrEqual(1);
    expect(h.addedAgain[0]!.delayMs).toBeLessThanOrEqual(400);
    expect(h.lines.filter((l) => l.includes('the row goes back to the queue'))).toHaveLength(1);
    expect(h.gone).toEqual([]);

    const gone = new BatchGoneError('b1');
    const h2 = harness(withGroup(), { store: refuse(gone) });
    await expect(h2.run().result).resolves.toBe('assigned');
    await vi.waitFor(() => expect(h2.out.ended).toBe(1));
    expect(h2.gone).toEqual([gone]);
    expect(h2.addedAgain).toEqual([]);
  });

  it('429 more often than S1_MAX_RATE_LIMITED: failed rate-limited', async () => {
    const h = harness(answer(429, undefined, { 'retry-after': '1' }));
    await expect(h.run(0, { u: USER, g: GROUP, r: config.maxRateLimited }).result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.outcomes[0]!.detail).toMatchObject({ outcome: 'failed', reason: 'rate-limited', httpStatus: 429 });
    expect(h.pauses).toEqual([]);
  });

  it.each<TransportFailure>(['timeout', 'network'])('%s before the last attempt: retried by BullMQ; on the last: failed', async (code) => {
    const h = harness(new S1TransportError(code, 'trouble'));
    const err = await h.run(0).result.catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect(h.counted).toEqual([code]);
    await expect(h.run(config.maxAttempts - 1).result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.outcomes[0]!.detail).toMatchObject({ outcome: 'failed', reason: code });
  });

  it('when the network monitor calls it an outage, a network failure puts the row back without using an attempt', async () => {
    const h = harness(new S1TransportError('network', 'connection refused'));
    // The fake monitor trips at the third failure in a row (the real one at UNREACHABLE_AFTER).
    for (const _ of [1, 2]) expect(await h.run(0).result.catch((e: unknown) => e)).not.toBeInstanceOf(RateLimitError);
    await expect(h.run(config.maxAttempts - 1).result).rejects.toBeInstanceOf(RateLimitError);
    expect(h.outcomes).toEqual([]);
    expect(h.counted).toEqual(['network', 'network', 'network']);
  });

  it('an unsafe id refused by the client: failed at once', async () => {
    const h = harness(new S1TransportError('invalid-id', 'refused to send an unsafe id'));
    await expect(h.run().result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.outcomes[0]!.detail).toMatchObject({ outcome: 'failed', reason: 'invalid-id' });
  });

  it('a request aborted by a forced shutdown: back to the queue without an attempt or an outcome', async () => {
    const h = harness(new S1TransportError('aborted', 'aborted'));
    await expect(h.run().result).rejects.toBeInstanceOf(RateLimitError);
    expect(h.outcomes).toEqual([]);
  });

  it('an announced limit below the configured one is learnt', async () => {
    const h = harness({ ...withGroup(), headers: { 'ratelimit-limit': '20' } });
    await h.run().result;
    expect(h.learnt).toEqual([20]);
  });

  it('Deprecation/Sunset headers are noted once per batch', async () => {
    const h = harness({ ...withGroup(), headers: { deprecation: 'true', sunset: 'Wed, 01 Jul 2026 00:00:00 GMT' } });
    await h.run().result;
    await h.run().result;
    expect(h.deprecations).toEqual(['Deprecation: true; Sunset: Wed, 01 Jul 2026 00:00:00 GMT']);
  });

  it('a job whose data Redis evicted: failed `evicted`, naming the line to run again, without a request', async () => {
    const h = harness(withGroup());
    const job = { id: 'b1-7', name: undefined, data: undefined, attemptsMade: 0, opts: {} };
    await expect(createAssignProcessor(h.ctx)(job as unknown as Job<AssignPayload>)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.requests()).toBe(0);
    expect(h.outcomes).toEqual([{ detail: expect.objectContaining({ line: 7, outcome: 'failed', reason: 'evicted', message: expect.stringContaining('line 7') }), countAs: undefined }]);
  });

  it('a job of another kind fails without a request or an outcome', async () => {
    const h = harness(withGroup());
    const job = { id: 'b1-2', name: 'something-else', data: { u: USER, g: GROUP }, attemptsMade: 0, opts: {} };
    await expect(createAssignProcessor(h.ctx)(job as unknown as Job<AssignPayload>)).rejects.toThrow(/unknown job kind something-else/);
    expect(h.requests()).toBe(0);
    expect(h.outcomes).toEqual([]);
  });

  it('a job id this tool did not make fails without a request', async () => {
    const h = harness(withGroup());
    const job = { id: 'someone-elses', name: 'assign', data: { u: USER, g: GROUP }, attemptsMade: 0, opts: {} };
    const process = createAssignProcessor({ ...h.ctx });
    await expect(process(job as unknown as Job<AssignPayload>)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.requests()).toBe(0);
    expect(h.outcomes).toEqual([]);
  });
});
