/**
 * Job kind `assign`: put one account user into one user group.
 *
 * Payload: {@link AssignPayload} (the two ids; never the token).
 * Job id: `<batchId>-<line>` (deterministic, so importing the same file again adds nothing); the batch and line are
 *   read back from it (src/queue/assign-job-id.ts; payload, name and id built by src/queue/assign-job.ts).
 * Idempotency key sent to S1: the job id.
 * Retry policy: BullMQ attempts (the worker's S1_MAX_ATTEMPTS) with exponential backoff and full jitter for
 *   5xx/408/425, timeouts and resets; 429 waits for Retry-After queue-wide without using an attempt; 400/404/409/422
 *   and other 4xx fail at once; 401/403 stop every worker and leave rows pending.
 * Outcome: recorded exactly once per row in the batch record, whatever number of times the job runs.
 */
import { RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '../src/config/index.js';
import type { Logger } from '../src/log/logger.js';
import { ASSIGN_JOB, type AssignPayload } from '../src/queue/assign-job.js';
import { parseAssignJobId } from '../src/queue/assign-job-id.js';
import type { BatchStore } from '../src/queue/batch-store.js';
import { LimiterClosedError } from '../src/queue/outbound-rate-limiter.js';
import type { FailureDetail, Outcome } from '../src/queue/outcomes.js';
import { TRANSPORT_CLASS, S1TransportError, announcedLimit, classifyStatus, groupsContain, parseRetryAfter, problemMessage, type S1Answer, type S1Client, type WireObserver } from '../src/s1/index.js';

export { ASSIGN_JOB, type AssignPayload };

export interface AssignContext {
  client: S1Client;
  limiter: { acquire(): Promise<WireObserver>; pause(ms: number): Promise<void>; learn(announced: number | undefined): Promise<number> };
  store: BatchStore;
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
}

/**
 * The full-jitter exponential delay before the next try: random in [1, base * 2^(n-1)], capped at 5 minutes. Never
 * 0: BullMQ retries a 0 delay without passing through the delayed set, and every retry should look the same.
 */
export function jitterBackoff(attemptsMade: number, baseMs: number): number {
  const ceiling = Math.min(300_000, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return 1 + Math.floor(Math.random() * Math.max(0, ceiling - 1));
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

  return async function processAssign(job: Job<AssignPayload>): Promise<Outcome> {
    const jobId = job.id ?? '';
    const row = parseAssignJobId(jobId);
    if (!row) throw new UnrecoverableError(`not a row job id: ${jobId}`);
    const { batchId, line } = row;
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
      const level = outcome === 'failed' ? 'warn' : 'info';
      // The line's fields are built only when it is written: at LOG_LEVEL=warn a success costs nothing here.
      if (res.changed && ctx.log.isLevelEnabled(level)) {
        const durationMs = Math.round(performance.now() - started);
        ctx.log[level]({ ...at, accountUserId, groupId, outcome, reason: reason || undefined, httpStatus, attempts: attempt, durationMs, message }, 'row outcome');
      }
      if (res.done) ctx.onBatchDone(batchId);
    };

    // Back to the queue without using an attempt (RateLimitError is how BullMQ spells "not now").
    const putBack = () => new RateLimitError();

    let answer: S1Answer | undefined;
    try {
      // undefined: put back unsent (the token was rejected, or the limiter closed for shutdown).
      answer = await ctx.withConnection(async () => {
        if (ctx.isAuthFailed()) return undefined;
        let slot: WireObserver;
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
        const limit = await ctx.limiter.learn(announced);
        ctx.log.info({ ...at, httpStatus: 429, waitMs, rateLimitedTimes: hits, learntLimit: limit }, 'rate limited: pausing every worker');
        await job.updateData({ ...job.data, r: hits });
        throw putBack();
      }
    }
  };

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
