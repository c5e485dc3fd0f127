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
import { parseAssignJobId } from '../src/queue/assign-job-id.js';
import type { BatchStore } from '../src/queue/batch-store.js';
import { LimiterClosedError } from '../src/queue/outbound-rate-limiter.js';
import type { FailureDetail, Outcome } from '../src/queue/outcomes.js';
import { TRANSPORT_CLASS, S1TransportError, announcedLimit, classifyStatus, groupsContain, jitterBackoff, parseRetryAfter, problemMessage, type S1Answer, type S1Client, type WireObserver } from '../src/s1/index.js';

export { ASSIGN_JOB, type AssignPayload };

export interface AssignContext {
  client: S1Client;
  limiter: { acquire(): Promise<WireObserver>; pause(ms: number): Promise<void>; learn(announced: number | undefined, slot?: WireObserver): Promise<number> };
  /** What a row needs of the batch record: its outcome, its request counts, a deprecation notice. */
  store: Pick<BatchStore, 'recordOutcomeCoalesced' | 'countRequest' | 'noteDeprecation'>;
  config: Config;
  log: Logger;
  /** The token was rejected: stop taking jobs everywhere. */
  onAuthFailure(status: number, message: string): Promise<void>;
  isAuthFailed(): boolean;
  /** Called once when this worker recorded a batch's last outcome. */
  onBatchDone(batchId: string): void;
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
}

/** The worker's retry policy, applied to each job it takes (see {@link applyRetryPolicy}). */
export const JITTER_BACKOFF = { type: 'jitter' } as const;

/**
 * Gives the in-memory job the worker's attempts and backoff. BullMQ reads `job.opts.attempts` and `job.opts.backoff`
 * when a processor throws, so setting them here keeps BullMQ in charge of retries without storing the same options
 * on each of a million pending jobs (about 40 bytes each, and enough to push the options past the listpack size).
 */
export function applyRetryPolicy(job: Job, maxAttempts: number): void {
  job.opts.attempts = maxAttempts;
  job.opts.backoff = JITTER_BACKOFF;
}

export function createAssignProcessor(ctx: AssignContext) {
  const deprecationSeen = new Set<string>();

  // One function on purpose (over the house's ~60 lines): it is the row's whole life in the order it happens
  // (take a connection and a rate slot, send, classify, record), with the answer rules reading top to bottom as in
  // the header above; its closures share `countAs`, `attempt` and the row's fields without passing them around.
  return async function processAssign(job: Job<AssignPayload>): Promise<Outcome> {
    const jobId = job.id ?? '';
    const row = parseAssignJobId(jobId);
    if (!row) throw new UnrecoverableError(`not a row job id: ${jobId}`);
    const { batchId, line } = row;
    if (typeof job.data?.u !== 'string' || typeof job.data.g !== 'string') return recordEvicted(job, batchId, line);
    const { u: accountUserId, g: groupId } = job.data;
    applyRetryPolicy(job, ctx.config.maxAttempts);
    const attempt = job.attemptsMade + 1;
    const maxAttempts = ctx.config.maxAttempts;
    const started = performance.now();
    // Fields every line about this row carries. Not a pino child per job: building one costs more than the log call.
    const at = { batchId, jobId, line };

    // What this call is counted as in the report's httpStatusCounts: the status, or the transport failure.
    let countAs: number | string | undefined;
    const count = () => {
      if (countAs !== undefined) void ctx.store.countRequest(batchId, countAs).catch(() => undefined);
    };
    const finish = async (outcome: Outcome, reason: string, httpStatus: number | undefined, message?: string): Promise<void> => {
      const detail: FailureDetail = { line, accountUserId, groupId, outcome, reason, httpStatus, attempts: attempt, message };
      // The request is counted in the same round trip as the outcome.
      const res = await ctx.store.recordOutcomeCoalesced(batchId, detail, 'set', countAs);
      if (res.changed && wantsRowOutcome(ctx.log, outcome)) logRowOutcome(ctx.log, { ...at, accountUserId, groupId, outcome, reason, httpStatus, attempts: attempt, durationMs: Math.round(performance.now() - started), message });
      if (res.done) ctx.onBatchDone(batchId);
    };

    // Back to the queue without using an attempt (RateLimitError is how BullMQ spells "not now").
    const putBack = () => new RateLimitError();

    let answer: S1Answer | undefined;
    // The rate slot the request went out on: a 429 measures the server's limit from when it was sent.
    let slot: WireObserver | undefined;
    try {
      // undefined: put back unsent (the token was rejected, or the limiter closed for shutdown).
      answer = await ctx.withConnection(async () => {
        if (ctx.isAuthFailed()) return undefined;
        try {
          slot = await ctx.limiter.acquire();
        } catch (err) {
          if (err instanceof LimiterClosedError) return undefined;
          throw err;
        }
        if (ctx.isAuthFailed()) return undefined;
        return ctx.client.assignToGroup(accountUserId, groupId, { signal: ctx.forceSignal, idempotencyKey: jobId, observer: slot });
      });
    } catch (err) {
      if (!(err instanceof S1TransportError)) throw err;
      // Aborted by a forced shutdown: not the row's fault, so no attempt is used.
      if (err.code === 'aborted') throw putBack();
      countAs = err.code;
      if (err.code === 'network' && ctx.reachability.networkFailed()) {
        count();
        throw putBack();
      }
      if (TRANSPORT_CLASS[err.code] === 'permanent' || attempt >= maxAttempts) {
        await finish('failed', err.code, undefined, err.message);
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      count();
      ctx.log.debug({ ...at, attempt, reason: err.code }, 'transient failure, will retry');
      throw new Error(`${err.code}: ${err.message}`);
    }
    if (answer === undefined) throw putBack();

    countAs = answer.status;
    ctx.reachability.answered();
    noteDeprecation(answer, batchId);
    const announced = announcedLimit(answer.headers);
    if (announced !== undefined && announced < ctx.config.rateLimit) void ctx.limiter.learn(announced).catch(() => undefined);
    const status = answer.status;
    const message = problemMessage(answer.body);

    switch (classifyStatus(status)) {
      case 'success':
        if (groupsContain(answer.body, groupId)) {
          await finish('assigned', '', status);
          return 'assigned';
        }
        await finish('failed', 'not-applied', status, 'the answer does not list the group');
        throw new UnrecoverableError('not-applied');
      case 'permanent':
        await finish('failed', `http-${status}`, status, message);
        throw new UnrecoverableError(`http-${status}`);
      case 'transient':
        if (attempt >= maxAttempts) {
          await finish('failed', `http-${status}`, status, message);
          throw new UnrecoverableError(`http-${status}`);
        }
        count();
        ctx.log.debug({ ...at, attempt, httpStatus: status }, 'transient failure, will retry');
        throw new Error(`http-${status}`);
      case 'auth':
        count();
        await ctx.onAuthFailure(status, message ?? 'token rejected');
        throw putBack();
      case 'rate-limited': {
        const hits = (job.data.r ?? 0) + 1;
        if (hits > ctx.config.maxRateLimited) {
          await finish('failed', 'rate-limited', status, message ?? `rate limited ${hits - 1} times`);
          throw new UnrecoverableError('rate-limited');
        }
        const waitMs = parseRetryAfter(answer.headers['retry-after'], ctx.config.retryAfterMaxMs) ?? Math.max(1000, jitterBackoff(hits, ctx.config.backoffMs));
        // The pause goes first: every worker checks it before each request, so the sooner it is set the fewer
        // requests follow this one into the 429.
        await ctx.limiter.pause(waitMs);
        count();
        const limit = await ctx.limiter.learn(announced, slot);
        ctx.log.info({ ...at, httpStatus: 429, waitMs, rateLimitedTimes: hits, learntLimit: limit }, 'rate limited: pausing every worker');
        await job.updateData({ ...job.data, r: hits });
        throw putBack();
      }
    }
  };

  /**
   * The job's hash lost its data: Redis evicted it (a maxmemory-policy other than noeviction). Its ids are gone, so
   * the row fails with a reason that says why and which line of the file to run again.
   */
  async function recordEvicted(job: Job<AssignPayload>, batchId: string, line: number): Promise<never> {
    const message = `Redis evicted this row's job (its ids are lost): set maxmemory-policy noeviction and import line ${line} of the file again`;
    const res = await ctx.store.recordOutcomeCoalesced(batchId, { line, accountUserId: '', groupId: '', outcome: 'failed', reason: 'evicted', attempts: job.attemptsMade + 1, message }, 'set');
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
