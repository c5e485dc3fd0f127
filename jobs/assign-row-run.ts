/**
 * One run of one row's job (RowRun) and the retry policy the worker gives each job it takes: the pieces of the
 * assign processor (assign-user-to-group.ts) that are not its answer rules.
 */
import type { Job } from 'bullmq';
import type { AssignPayload } from '../src/queue/assign-job.js';
import type { WireObserver } from '../src/s1/index.js';

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

/**
 * One run of one row's job: what every step needs, in one object. The processor's steps are functions made once per
 * processor and take it as an argument, rather than closures made per job: a worker runs thousands of rows a second,
 * and every object a row holds while it waits for a connection and for Redis is more for V8's young-generation
 * collector to copy (with the limiter's sort, sampled allocation fell from 44.4 to 43.1 KB per row; a bare BullMQ
 * worker allocates 34.7).
 */
export class RowRun {
  /** What this call is counted as in the report's httpStatusCounts: the status, or the transport failure. */
  countAs: number | string | undefined;
  /** The rate slot the request went out on: a 429 measures the server's limit from when it was sent. */
  slot: WireObserver | undefined;
  readonly started = performance.now();
  constructor(
    readonly job: Job<AssignPayload>,
    readonly jobId: string,
    readonly batchId: string,
    readonly line: number,
    readonly accountUserId: string,
    readonly groupId: string,
    readonly attempt: number,
  ) {}

  /** Fields every line about this row carries. Not a pino child per job: building one costs more than the log call. */
  get at() {
    return { batchId: this.batchId, jobId: this.jobId, line: this.line };
  }
}
