import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import pLimit from 'p-limit';
import { ASSIGN_JOB, SYNC_QUEUE, createAssignProcessor, createSyncProcessor, jitterBackoff, type AssignPayload, type SyncPayload } from '../../jobs/index.js';
import { requireToken, retentionSeconds, type Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { writeReport } from '../report/index.js';
import { createS1Client } from '../s1/index.js';
import { createAssignQueue } from './assign-queue.js';
import { BatchStore } from './batch-store.js';
import { OutboundRateLimiter } from './outbound-rate-limiter.js';
import { reconcileFailedJobs, recordFailedJob } from './reconcile-failed.js';
import { ASSIGN_QUEUE, globalKeys } from './keys.js';
import { connectRedis, createRedis, evictionPolicyWarning } from './redis-connection.js';

export interface StartWorkerOptions {
  /** Called after this worker wrote the report of a batch it finished. */
  onBatchDone?: (batchId: string) => void;
}

export interface AuthFailure {
  status: number;
  message: string;
}

export interface WorkerHandle {
  readonly worker: Worker<AssignPayload>;
  readonly store: BatchStore;
  /** Resolves when S1 rejected the token (the worker has then stopped taking jobs everywhere). */
  readonly authFailed: Promise<AuthFailure>;
  /** Drains in-flight jobs and closes everything in reverse order of start-up; `force` aborts in-flight requests. Safe to call twice. */
  close(force?: boolean): Promise<void>;
}

/** Connections to S1 (and requests in flight) per worker process for S1_CONCURRENCY. */
export function connectionsFor(concurrency: number): number {
  return Math.min(concurrency, 256);
}

/**
 * Jobs a worker process holds at once for its connections to S1 (a job beyond them waits for a free one before it
 * takes its rate slot). Each job also waits on Redis before and after its request (its grant, its outcome, BullMQ
 * completing it and fetching the next): against the simulator with no latency and as many jobs as connections, a
 * job spent ~4.5 ms of its ~17 ms in its request. Twice as many jobs: 3 runs in 4 faster (50,000 rows, same machine,
 * alternated: 5,682/6,038/6,597/6,371 -> 5,477/6,620/7,650/6,625 rows/s); four times brought no more and costs more
 * CPU per row.
 */
export function jobsInHand(connections: number): number {
  return connections * 2;
}

/** A short, one-way fingerprint: lets workers recognise "the token that was rejected" without storing the token. */
function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/**
 * Starts one worker process' share of the work: its Redis connection, the shared rate limiter, the S1 client and a
 * BullMQ worker running the job processors from jobs/.
 */
export async function startWorker(config: Config, log: Logger, options: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const token = requireToken(config);
  const fingerprint = tokenFingerprint(token);
  let lastRedisWarning = 0;
  const redis = createRedis(config.redisUrl, 'worker', (err) => {
    // Workers ride out Redis restarts; say so now and then rather than once per reconnect attempt.
    if (Date.now() - lastRedisWarning > 5000) {
      lastRedisWarning = Date.now();
      log.warn({ err: err.message }, 'Redis connection problem; retrying');
    }
  });
  await connectRedis(redis, config.redisUrl);
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => redis.quit().catch(() => redis.disconnect())];
  const runCleanups = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };

  try {
    const warning = await evictionPolicyWarning(redis);
    if (warning) log.warn(warning);

    const gkeys = globalKeys(config.prefix);
    const store = new BatchStore(redis, config.prefix, retentionSeconds(config));
    const queue = createAssignQueue(redis, config.prefix);
    cleanups.push(() => queue.close());

    // A rejected token stops every worker. Start again only with a different token; the same one would fail again.
    const previous = await redis.get(gkeys.authFailed);
    if (previous) {
      const p = JSON.parse(previous) as { fingerprint: string; at: string; status: number };
      if (p.fingerprint === fingerprint) {
        throw new AppError('auth', `S1 rejected this API token (HTTP ${p.status}) at ${p.at}: set a valid S1_API_TOKEN and start again`);
      }
      await redis.del(gkeys.authFailed);
      await queue.resume();
      log.info('a new API token is configured: resuming the queue that a rejected token had paused');
    }

    const limiter = new OutboundRateLimiter(redis, gkeys, {
      rate: config.rateLimit,
      slackMs: config.rateSlackMs,
      onError: (err) => log.warn({ err: (err as Error).message }, 'rate limiter could not reach Redis; retrying'),
    });
    // One request per connection (no pipelining), and a permit per connection that a job holds from its rate slot
    // to its answer: requests in flight to S1 never exceed the connections, and no slot waits for a socket.
    const connections = connectionsFor(config.concurrency);
    const permits = pLimit(connections);
    const client = createS1Client({ baseUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, connections });
    cleanups.push(() => client.close());
    const force = new AbortController();
    // Every in-flight request listens to this one signal; hundreds of listeners are expected, not a leak.
    setMaxListeners(0, force.signal);

    let resolveAuth!: (f: AuthFailure) => void;
    const authFailed = new Promise<AuthFailure>((r) => (resolveAuth = r));
    let authFailure: AuthFailure | undefined;

    // Reports being written; close() waits for them so a worker stopped right after a batch finished still leaves it.
    const reportsInFlight = new Set<Promise<void>>();
    const reportDone = (batchId: string) => {
      const p: Promise<void> = writeReport(store, batchId, join(config.reportDir, batchId)).then(
        (w) => {
          log.info({ batchId, report: w.jsonPath, failures: w.csvPath, rows: w.report.rows, assigned: w.report.assigned, failed: w.report.failed }, 'batch finished; report written');
          options.onBatchDone?.(batchId);
        },
        (err: unknown) => log.error({ batchId, err }, 'batch finished but the report could not be written'),
      );
      reportsInFlight.add(p);
      void p.finally(() => reportsInFlight.delete(p));
    };
    cleanups.push(() => Promise.all(reportsInFlight));

    const processor = createAssignProcessor({
      client,
      limiter,
      store,
      config,
      log,
      forceSignal: force.signal,
      withConnection: (fn) => permits(fn),
      isAuthFailed: () => authFailure !== undefined,
      onBatchDone: reportDone,
      async onAuthFailure(status, message) {
        if (authFailure) return;
        authFailure = { status, message };
        await redis.set(gkeys.authFailed, JSON.stringify({ fingerprint, status, at: new Date().toISOString() }));
        await queue.pause();
        log.error({ httpStatus: status, detail: message }, `S1 rejected the API token (HTTP ${status}): every worker stops; rows stay pending. Set a valid S1_API_TOKEN and start a worker again.`);
        resolveAuth(authFailure);
      },
    });

    const worker: Worker<AssignPayload> = new Worker<AssignPayload>(
      ASSIGN_QUEUE,
      async (job: Job<AssignPayload>) => {
        if (job.name !== ASSIGN_JOB) throw new Error(`unknown job kind ${job.name}`);
        return processor(job);
      },
      {
        connection: redis,
        prefix: config.prefix,
        concurrency: jobsInHand(connections),
        lockDuration: config.lockDurationMs,
        stalledInterval: config.stalledIntervalMs,
        maxStalledCount: 3,
        // Set here rather than on each job: job options are stored per job, and this one needs no storing.
        removeOnComplete: { count: 0 },
        autorun: false,
        settings: { backoffStrategy: (attemptsMade: number) => jitterBackoff(attemptsMade, config.backoffMs) },
      },
    );
    cleanups.push(async () => {
      limiter.close();
      await worker.close(force.signal.aborted);
    });
    worker.on('error', (err) => log.error({ err }, 'worker error'));
    // A job can fail outside the processor (stalled too often, a bug): give the row its outcome so nothing is lost.
    worker.on('failed', (job, err) => {
      if (!job || job.queueName !== ASSIGN_QUEUE) return;
      const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
      if (!final) return;
      void recordFailedJob(store, job, log)
        .then((res) => {
          if (res.done && res.batchId) reportDone(res.batchId);
        })
        .catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'could not record a failed job; the next worker start will'));
    });
    for (const batchId of await reconcileFailedJobs(queue, store, log)) reportDone(batchId);
    // ---- Scheduled syncs (src/schedule, jobs/sync-schedule.ts): a second BullMQ worker on the "sync" queue runs the
    // ticks of `bulk-assign schedule` job schedulers, one at a time per process; each tick imports one batch.
    // It closes first (cleanups run in reverse): no new tick starts while the row worker drains. ----
    const syncWorker = new Worker<SyncPayload>(SYNC_QUEUE, createSyncProcessor({ redis, store, queue, config, log, onBatchDone: reportDone }), {
      connection: redis,
      prefix: config.prefix,
      concurrency: 1,
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
    });
    syncWorker.on('error', (err) => log.error({ err }, 'sync worker error'));
    cleanups.push(() => syncWorker.close(force.signal.aborted));
    // ---- end of scheduled syncs ----

    void worker.run();
    log.info({ concurrency: config.concurrency, connections, jobsInHand: jobsInHand(connections), rateLimit: config.rateLimit, api: config.apiUrl }, 'worker started');

    let closing: Promise<void> | undefined;
    return {
      worker,
      store,
      authFailed,
      close(forceNow = false) {
        if (forceNow) force.abort();
        closing ??= runCleanups();
        return closing;
      },
    };
  } catch (err) {
    await runCleanups();
    throw err;
  }
}
