/**
 * Job kind `assign`: put one account user into one user group.
 *
 * Payload: {@link AssignPayload} (the two ids; never the token).
 * Job id: `<batchId>-<line>` (deterministic, so importing the same file again adds nothing); the batch and line are
 *   read back from it (src/queue/assign-job-id.ts; payload, name and id built by src/queue/assign-job.ts).
 * Idempotency key sent to S1: the job id.
 * Retry policy: BullMQ attempts (the worker's S1_MAX_ATTEMPTS) with exponential backoff and full jitter for
 *   5xx/408/425, timeouts and resets; 429 waits for Retry-After queue-wide without using an attempt; 400/404/409/422
 *   and other 4xx fail at once; 401/403 stop every worker and leave rows pending; from the tenth network failure
 *   in a row (S1 unreachable) rows go back without using an attempt while every worker pauses.
 * Outcome: recorded exactly once per row in the batch record, whatever number of times the job runs.
 */
import { RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '../src/config/index.js';
import type { Logger } from '../src/log/logger.js';
import { logRowOutcome, wantsRowOutcome } from '../src/log/row-outcome.js';
import { ASSIGN_JOB, type AssignPayload } from '../src/queue/assign-job.js';
import { applyRetryPolicy, RowRun } from './assign-row-run.js';
import { parseAssignJobId } from '../src/queue/assign-job-id.js';
import { BatchGoneError } from '../src/queue/batch-gone.js';
import type { BatchStore, RecordResult } from '../src/queue/batch-store.js';
import { LimiterClosedError } from '../src/queue/outbound-rate-limiter.js';
import type { FailureDetail, Outcome } from '../src/queue/outcomes.js';
import { TRANSPORT_CLASS, S1TransportError, announcedLimit, classifyStatus, groupsContain, jitterBackoff, parseRetryAfter, problemMessage, type S1Answer, type S1Client, type WireObserver } from '../src/s1/index.js';

export { ASSIGN_JOB, type AssignPayload };

export interface AssignContext {
  client: S1Client;
  /** `acquireNow`: a slot at once when this process holds one granted ahead, else undefined (then `acquire`). */
  limiter: { acquireNow(): WireObserver | undefined; acquire(): Promise<WireObserver>; pause(ms: number): Promise<void>; learn(announced: number | undefined, slot?: WireObserver): Promise<number> };
  /** What a row needs of the batch record: its outcome, its request counts, a deprecation notice. */
  store: Pick<BatchStore, 'recordOutcomeCoalesced' | 'countRequest' | 'noteDeprecation'>;
  config: Config;
  log: Logger;
  /** The token was rejected: stop taking jobs everywhere. */
  onAuthFailure(status: number, message: string): Promise<void>;
  isAuthFailed(): boolean;
  /** Called once when this worker recorded a batch's last outcome. */
  onBatchDone(batchId: string): void;
  /** A row's batch is gone from Redis (BatchGoneError): nothing this worker does for it can be recorded any more. */
  onBatchGone(err: BatchGoneError): void;
  /** Aborts in-flight requests when shutdown is forced. */
  forceSignal: AbortSignal;
  /**
   * Runs `fn` while holding one of the worker's connections to S1 (a permit per connection). A job takes its rate
   * slot inside it, so no slot is ever held by a request still waiting for a socket: such a slot could outlive the
   * window unsent, be granted again, and go out later in a burst with others.
   */
  withConnection<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Tells an outage from a bad row: `networkFailed()` is true when S1 has not answered for so long that the row
   * should go back without using an attempt (every worker is then paused); `answered()` ends such an outage.
   */
  reachability: { networkFailed(): boolean; answered(): void };
  /** Outcome calls whose jobs completed without waiting for their answers (finishAhead): the worker settles them at close. */
  outcomesOut: { begin(): void; end(): void };
  /** Adds a completed row's job again (same id and payload), `delayMs` from now: its outcome was not recorded. */
  addAgain(job: Job<AssignPayload>, data: AssignPayload, delayMs: number): Promise<unknown>;
}

// Back to the queue without using an attempt (RateLimitError is how BullMQ spells "not now").
const putBack = () => new RateLimitError();
const NOT_SENT: Promise<undefined> = Promise.resolve(undefined);

// eslint-disable-next-line max-lines-per-function -- a factory of the answer rules' small steps (none over 30 lines), made once per processor so that no closure is made per row (see RowRun); split apart, each step would need the context passed to it
export function createAssignProcessor(ctx: AssignContext) {
  const deprecationSeen = new Set<string>();
  const maxAttempts = ctx.config.maxAttempts;

  /** Counts the request of a row that has no outcome yet (retried, put back): the outcome call counts the rest. */
  const count = (run: RowRun): void => {
    if (run.countAs !== undefined) void ctx.store.countRequest(run.batchId, run.countAs).catch(() => undefined);
  };

  /** A batch gone from Redis is told to the worker (it stops: fatal) before the job fails with the error. */
  const recordingFailed = (err: unknown): never => {
    if (err instanceof BatchGoneError) ctx.onBatchGone(err);
    throw err;
  };

  /** What follows a recorded outcome: the row's log line when the outcome is new, and its batch's end. */
  const recorded = (run: RowRun, d: FailureDetail, res: RecordResult): void => {
    if (res.changed && wantsRowOutcome(ctx.log, d.outcome)) {
      logRowOutcome(ctx.log, { ...run.at, accountUserId: run.accountUserId, groupId: run.groupId, outcome: d.outcome, reason: d.reason, httpStatus: d.httpStatus, attempts: run.attempt, durationMs: Math.round(performance.now() - run.started), message: d.message });
    }
    if (res.done) ctx.onBatchDone(run.batchId);
  };

  const detailOf = (run: RowRun, outcome: Outcome, reason: string, httpStatus: number | undefined, message?: string): FailureDetail => ({ line: run.line, accountUserId: run.accountUserId, groupId: run.groupId, outcome, reason, httpStatus, attempts: run.attempt, message });

  /**
   * A failed row's last step: its outcome recorded (and logged, and its batch's end told) before the job fails. A
   * job whose outcome Redis refused fails too, and BullMQ runs it again.
   */
  const finish = async (run: RowRun, outcome: Outcome, reason: string, httpStatus: number | undefined, message?: string): Promise<Outcome> => {
    const detail = detailOf(run, outcome, reason, httpStatus, message);
    let res: RecordResult;
    try {
      // The request is counted in the same round trip as the outcome.
      res = await ctx.store.recordOutcomeCoalesced(run.batchId, detail, 'set', run.countAs);
    } catch (err) {
      return recordingFailed(err);
    }
    recorded(run, detail, res);
    return outcome;
  };

  /**
   * An assigned row's last step. Its job completes as soon as the outcome call is written, not once it is answered:
   * BullMQ completes the job on the same connection, after it, and Redis runs one connection's commands in order.
   * So Redis never completes the job before it has run the outcome call: a worker that dies between the two leaves
   * an active job, which stalls and runs again (and is counted once). A job no longer waits the outcome call's round
   * trip while it holds one of the worker's jobs in hand. The answer is read when it comes: the log line, the
   * batch's end; a call Redis refused (not the completion behind it) sends the row back to the queue (addAgainLater).
   */
  const finishAhead = (run: RowRun, httpStatus: number): Promise<Outcome> =>
    new Promise<Outcome>((resolve) => {
      const detail = detailOf(run, 'assigned', '', httpStatus);
      ctx.outcomesOut.begin();
      ctx.store.recordOutcomeCoalesced(run.batchId, detail, 'set', run.countAs, () => resolve('assigned')).then(
        (res) => {
          try {
            recorded(run, detail, res);
          } finally {
            ctx.outcomesOut.end();
          }
        },
        (err: unknown) => void addAgainLater(run, err).finally(ctx.outcomesOut.end),
      );
    });

  /**
   * The outcome call of a job that completed came back refused (a script error, Redis out of memory; the batch gone
   * is the worker's end). The row goes back to the queue, after the backoff of as many attempts as it was refused,
   * so it is sent again (S1 takes the same idempotency key) and its outcome recorded then: nothing is lost while
   * Redis refuses, and a warn line each time says so.
   */
  const addAgainLater = async (run: RowRun, err: unknown): Promise<void> => {
    if (err instanceof BatchGoneError) return ctx.onBatchGone(err);
    const times = (run.job.data.o ?? 0) + 1;
    const delayMs = jitterBackoff(times, ctx.config.backoffMs);
    ctx.log.warn({ ...run.at, err: (err as Error).message, refusedTimes: times, delayMs }, "Redis refused this row's outcome after its job completed: the row goes back to the queue");
    await ctx.addAgain(run.job, { ...run.job.data, o: times }, delayMs).catch((e: unknown) => {
      ctx.log.error({ ...run.at, err: (e as Error).message }, "could not add this row's job again: the row stays pending with no job to send it");
    });
  };

  const request = (run: RowRun, slot: WireObserver): Promise<S1Answer> => {
    run.slot = slot;
    return ctx.client.assignToGroup(run.accountUserId, run.groupId, { signal: ctx.forceSignal, idempotencyKey: run.jobId, observer: slot });
  };

  /**
   * Inside a connection permit: the rate slot, then the request. undefined: put back unsent (token rejected, limiter
   * closed). Not async when a slot granted ahead is at hand (a busy worker's usual case): the request's own promise
   * is returned, with no frame of this function's waiting on it.
   */
  const send = (run: RowRun): Promise<S1Answer | undefined> => {
    if (ctx.isAuthFailed()) return NOT_SENT;
    const slot = ctx.limiter.acquireNow();
    return slot === undefined ? sendAfterSlot(run) : request(run, slot);
  };
  const sendAfterSlot = async (run: RowRun): Promise<S1Answer | undefined> => {
    let slot: WireObserver;
    try {
      slot = await ctx.limiter.acquire();
    } catch (err) {
      if (err instanceof LimiterClosedError) return undefined;
      throw err;
    }
    if (ctx.isAuthFailed()) return undefined;
    return request(run, slot);
  };

  /** No answer at all: an outage puts the row back, the rest retries or fails by the transport rules. */
  const transportFailed = async (run: RowRun, err: S1TransportError): Promise<never> => {
    // Aborted by a forced shutdown: not the row's fault, so no attempt is used.
    if (err.code === 'aborted') throw putBack();
    run.countAs = err.code;
    if (err.code === 'network' && ctx.reachability.networkFailed()) {
      count(run);
      throw putBack();
    }
    if (TRANSPORT_CLASS[err.code] === 'permanent' || run.attempt >= maxAttempts) {
      await finish(run, 'failed', err.code, undefined, err.message);
      throw new UnrecoverableError(`${err.code}: ${err.message}`);
    }
    count(run);
    ctx.log.debug({ ...run.at, attempt: run.attempt, reason: err.code }, 'transient failure, will retry');
    throw new Error(`${err.code}: ${err.message}`);
  };

  const fail = async (run: RowRun, reason: string, status: number, message: string | undefined): Promise<never> => {
    await finish(run, 'failed', reason, status, message);
    throw new UnrecoverableError(reason);
  };

  /**
   * The answer rules, in the order of the header above. Not async: the answer is read here, at once, and the steps
   * that wait on Redis get only what they record, so a row's answer (headers and body, ~2 KB) is not kept alive
   * while its outcome call is out.
   */
  const answered = (run: RowRun, answer: S1Answer): Promise<Outcome> => {
    run.countAs = answer.status;
    ctx.reachability.answered();
    noteDeprecation(answer, run.batchId);
    const announced = announcedLimit(answer.headers);
    if (announced !== undefined && announced < ctx.config.rateLimit) void ctx.limiter.learn(announced).catch(() => undefined);
    const status = answer.status;
    switch (classifyStatus(status)) {
      case 'success':
        if (groupsContain(answer.body, run.groupId)) return finishAhead(run, status);
        return fail(run, 'not-applied', status, 'the answer does not list the group');
      case 'permanent':
        return fail(run, `http-${status}`, status, problemMessage(answer.body));
      case 'transient':
        if (run.attempt >= maxAttempts) return fail(run, `http-${status}`, status, problemMessage(answer.body));
        count(run);
        ctx.log.debug({ ...run.at, attempt: run.attempt, httpStatus: status }, 'transient failure, will retry');
        return Promise.reject(new Error(`http-${status}`));
      case 'auth':
        return authRejected(run, status, problemMessage(answer.body) ?? 'token rejected');
      case 'rate-limited':
        return rateLimited(run, answer, announced);
    }
  };

  const authRejected = async (run: RowRun, status: number, message: string): Promise<never> => {
    count(run);
    await ctx.onAuthFailure(status, message);
    throw putBack();
  };

  const rateLimited = async (run: RowRun, answer: S1Answer, announced: number | undefined): Promise<never> => {
    const { job } = run;
    const message = problemMessage(answer.body);
    const hits = (job.data.r ?? 0) + 1;
    if (hits > ctx.config.maxRateLimited) return fail(run, 'rate-limited', answer.status, message ?? `rate limited ${hits - 1} times`);
    const waitMs = parseRetryAfter(answer.headers['retry-after'], ctx.config.retryAfterMaxMs) ?? Math.max(1000, jitterBackoff(hits, ctx.config.backoffMs));
    // The pause goes first: every worker checks it before each request, so the sooner it is set the fewer
    // requests follow this one into the 429.
    await ctx.limiter.pause(waitMs);
    count(run);
    const limit = await ctx.limiter.learn(announced, run.slot);
    ctx.log.info({ ...run.at, httpStatus: 429, waitMs, rateLimitedTimes: hits, learntLimit: limit }, 'rate limited: pausing every worker');
    await job.updateData({ ...job.data, r: hits });
    throw putBack();
  };

  return async function processAssign(job: Job<AssignPayload>): Promise<Outcome> {
    // A job whose hash Redis evicted comes without a name; the row then gets the outcome `evicted` below.
    if (job.name !== ASSIGN_JOB && job.name !== undefined) throw new Error(`unknown job kind ${job.name}`);
    const jobId = job.id ?? '';
    const row = parseAssignJobId(jobId);
    if (!row) throw new UnrecoverableError(`not a row job id: ${jobId}`);
    if (typeof job.data?.u !== 'string' || typeof job.data.g !== 'string') return recordEvicted(job, row.batchId, row.line);
    applyRetryPolicy(job, maxAttempts);
    const run = new RowRun(job, jobId, row.batchId, row.line, job.data.u, job.data.g, job.attemptsMade + 1);
    let answer: S1Answer | undefined;
    try {
      answer = await ctx.withConnection(() => send(run));
    } catch (err) {
      if (err instanceof S1TransportError) return transportFailed(run, err);
      throw err;
    }
    if (answer === undefined) throw putBack();
    // Returned, not awaited: this frame (and the answer in it) ends here rather than waiting on the outcome call.
    return answered(run, answer);
  };

  /**
   * The job's hash lost its data: Redis evicted it (a maxmemory-policy other than noeviction). Its ids are gone, so
   * the row fails with a reason that says why and which line of the file to run again.
   */
  async function recordEvicted(job: Job<AssignPayload>, batchId: string, line: number): Promise<never> {
    const message = `Redis evicted this row's job (its ids are lost): set maxmemory-policy noeviction and import line ${line} of the file again`;
    const res = await ctx.store.recordOutcomeCoalesced(batchId, { line, accountUserId: '', groupId: '', outcome: 'failed', reason: 'evicted', attempts: job.attemptsMade + 1, message }, 'set').catch(recordingFailed);
    if (res.changed) logRowOutcome(ctx.log, { batchId, jobId: job.id ?? null, line, accountUserId: '', groupId: '', outcome: 'failed', reason: 'evicted', message });
    if (res.done) ctx.onBatchDone(batchId);
    throw new UnrecoverableError('evicted');
  }

  function noteDeprecation(answer: S1Answer, batchId: string): void {
    if (deprecationSeen.has(batchId)) return;
    const dep = answer.headers.deprecation;
    const sunset = answer.headers.sunset;
    if (dep === undefined && sunset === undefined) return;
    deprecationSeen.add(batchId);
    const text = [dep !== undefined ? `Deprecation: ${String(dep)}` : '', sunset !== undefined ? `Sunset: ${String(sunset)}` : ''].filter(Boolean).join('; ');
    void ctx.store.noteDeprecation(batchId, text).then(
      (first) => {
        if (first) ctx.log.warn({ batchId, deprecation: text }, 'the S1 endpoint is deprecated; see the report');
      },
      () => undefined,
    );
  }
}
