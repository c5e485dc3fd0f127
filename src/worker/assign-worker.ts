import { Worker, type Job } from 'bullmq';
import { ASSIGN_JOB, createAssignProcessor, type AssignContext, type AssignPayload } from '../../jobs/index.js';
import { ASSIGN_QUEUE, BatchGoneError, type BatchStore, type OutboundRateLimiter } from '../queue/index.js';
import { jitterBackoff, type S1Client } from '../s1/index.js';
import type { AuthGate } from './auth-gate.js';
import type { Reachability } from './reachability.js';
import { jobsInHand } from './capacity.js';
import { connectionPermits } from './connection-permits.js';
import { recordFailedJob } from './reconcile-on-start.js';
import { outstanding } from './pending-work.js';
import type { WorkerParts } from './worker-parts.js';

export interface AssignWorkerDeps {
  client: S1Client;
  limiter: OutboundRateLimiter;
  gate: AuthGate;
  /** Connections to S1 this process holds (see connectionsFor). */
  connections: number;
  reachability: Reachability;
  /** Told each outcome this process recorded as new (metrics). */
  onRowOutcome?: ((outcome: string) => void) | undefined;
}

/** The row worker, and what it started that its close() does not wait for (settle). */
export interface AssignWorker {
  worker: Worker<AssignPayload>;
  /**
   * Resolves once every failed job recorded so far is recorded, marked or removed, and every outcome call of a
   * completed job answered and acted on: before Redis is closed.
   */
  settle(): Promise<unknown>;
}

/**
 * The BullMQ worker of the `assign` queue: one job per row, through the processor of jobs/assign-user-to-group.ts.
 * Created with `autorun: false`; the caller starts it once everything else is in place.
 */
export function createAssignWorker(parts: WorkerParts, deps: AssignWorkerDeps): AssignWorker {
  const { config, log, store, reports } = parts;
  // One request per connection (no pipelining), and a permit per connection that a job holds from its rate slot
  // to its answer: requests in flight to S1 never exceed the connections, and no slot waits for a socket.
  const withConnection = connectionPermits(deps.connections);
  const { onRowOutcome } = deps;
  // Failed jobs being recorded and outcome calls whose jobs completed before their answers: settled before Redis closes.
  const unsettled = outstanding();
  const processor = createAssignProcessor({
    client: deps.client,
    limiter: deps.limiter,
    store: onRowOutcome ? countingOutcomes(store, onRowOutcome) : store,
    config,
    log,
    forceSignal: parts.force,
    withConnection,
    isAuthFailed: deps.gate.isFailed,
    onBatchDone: reports.batchDone,
    onBatchGone: parts.raiseFatal,
    onAuthFailure: deps.gate.reject,
    reachability: deps.reachability,
    outcomesOut: unsettled,
    addAgain: (job, data, delayMs) => parts.queue.add(ASSIGN_JOB, data, { jobId: job.id, delay: delayMs }),
  });
  const worker = new Worker<AssignPayload>(
    ASSIGN_QUEUE,
    processor,
    {
      connection: parts.redis,
      prefix: config.prefix,
      concurrency: jobsInHand(deps.connections),
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: 3,
      // Set here rather than on each job: job options are stored per job, and this one needs no storing.
      removeOnComplete: { count: 0 },
      // Failed jobs stay for Bull Board (recordFailedJob marks them recorded); older or beyond the count, BullMQ trims them.
      removeOnFail: config.keepFailedJobsHours > 0 ? { age: config.keepFailedJobsHours * 3600, count: 10_000 } : undefined,
      autorun: false,
      settings: { backoffStrategy: (attemptsMade: number) => jitterBackoff(attemptsMade, config.backoffMs) },
    },
  );
  worker.on('error', parts.outage.errorListener('worker'));
  // BullMQ emits 'failed' and goes on: without waiting for these, a worker stopped right after its last job failed
  // could close Redis before that job was marked recorded or removed.
  worker.on('failed', (job, err) => {
    const p = recordIfFinal(parts, job, err);
    if (p === undefined) return;
    unsettled.begin();
    void p.finally(unsettled.end);
  });
  return { worker, settle: unsettled.settle };
}

/** A job can fail outside the processor (stalled too often, a bug): give the row its outcome so nothing is lost. */
function recordIfFinal(parts: WorkerParts, job: Job<AssignPayload> | undefined, err: Error): Promise<void> | undefined {
  if (!job || job.queueName !== ASSIGN_QUEUE) return undefined;
  const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
  if (!final) return undefined;
  return recordFailedJob(parts.store, job, parts.log, parts.config.keepFailedJobsHours > 0)
    .then((res) => {
      if (res.done && res.batchId) parts.reports.batchDone(res.batchId);
    })
    .catch((e: unknown) => {
      if (!(e instanceof BatchGoneError)) parts.log.error({ err: e, jobId: job.id }, 'could not record a failed job; the next worker start will');
    });
}

/** The store as the processor sees it, telling `onRowOutcome` of each outcome the accounting called new. */
function countingOutcomes(store: BatchStore, onRowOutcome: (outcome: string) => void): AssignContext['store'] {
  return {
    async recordOutcomeCoalesced(batchId, detail, mode, countAs, sent) {
      const res = await store.recordOutcomeCoalesced(batchId, detail, mode, countAs, sent);
      if (res.changed) onRowOutcome(detail.outcome);
      return res;
    },
    countRequest: (batchId, status) => store.countRequest(batchId, status),
    noteDeprecation: (batchId, text) => store.noteDeprecation(batchId, text),
  };
}
