import { setMaxListeners } from 'node:events';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AssignPayload } from '../../jobs/index.js';
import { requireToken, retentionSeconds, type Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { BatchStore, OutboundRateLimiter, connectRedis, createAssignQueue, createRedis, createRedisOutageLog, evictionPolicyWarning, globalKeys, type RedisOutageLog } from '../queue/index.js';
import { createNotifier } from '../notify/index.js';
import { createS1Client, type S1Client } from '../s1/index.js';
import { createAssignWorker } from './assign-worker.js';
import { createAuthGate, tokenFingerprint } from './auth-gate.js';
import { createWorkerHealth, type WorkerHealth } from './health.js';
import { createReachability } from './reachability.js';
import type { WorkerMetrics } from './metrics.js';
import { connectionsFor, jobsInHand } from './capacity.js';
import { CleanupStack } from './cleanup-stack.js';
import { reconcileFailedJobs } from './reconcile-on-start.js';
import { startNotifyWorker } from './notify-worker.js';
import { takeJobs } from './take-jobs.js';
import { createReportWriter } from './report-writer.js';
import { createSyncWorker } from './sync-worker.js';

export interface StartWorkerOptions {
  /** Called after this worker wrote the report of a batch it finished. */
  onBatchDone?: (batchId: string) => void;
}

export interface WorkerHandle {
  readonly worker: Worker<AssignPayload>;
  readonly store: BatchStore;
  /** What /healthz reports about S1 (Redis is asked live). */
  readonly health: WorkerHealth;
  /**
   * Resolves when the worker cannot go on by waiting: S1 rejected the token (preflight or a row; every worker then
   * stops taking jobs) or the URL does not answer like S1. The caller closes the handle and exits 1.
   */
  readonly fatal: Promise<AppError>;
  /** Drains in-flight jobs and closes everything in reverse order of start-up; `force` aborts in-flight requests. Safe to call twice. */
  close(force?: boolean): Promise<void>;
}

/**
 * The composition root of a worker process: its Redis connection, the shared rate limiter, the S1 client, the
 * auth gate, and two BullMQ workers (rows, and schedule ticks) running the processors from jobs/. Failed jobs a
 * crash left behind get their outcomes at once; no new job is taken before the preflight read has proved URL and
 * token (see waitForS1), which goes on in the background so that a signal can stop a worker still waiting for S1.
 */
/** The line a change of the limit in force writes, e.g. "rate limit now 148/s (measured from a 429; configured 300/s)". */
export function limitChangeMessage(limit: number, configured: number, why: string): string {
  const cause: Record<string, string> = { measured: 'measured from a 429', announced: 'announced by S1', probe: 'probing upward', configured: 'back to the configured limit' };
  return `rate limit now ${limit}/s (${cause[why] ?? why}; configured ${configured}/s)`;
}

export async function startWorker(config: Config, log: Logger, options: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const token = requireToken(config);
  const cleanups = new CleanupStack();
  const outage = createRedisOutageLog(log, config.redisUrl);
  const redis = await connectWorkerRedis(config, outage);
  cleanups.push(() => redis.quit().catch(() => redis.disconnect()));
  try {
    await refuseEvictingRedis(redis, config.allowEviction, log);
    const keys = globalKeys(config.prefix);
    const store = new BatchStore(redis, config.prefix, retentionSeconds(config));
    const queue = createAssignQueue(redis, config.prefix);
    // Without a listener BullMQ prints every connection error of the queue to stderr (console.error).
    queue.on('error', outage.errorListener('queue'));
    cleanups.push(() => queue.close());
    const health = createWorkerHealth();
    const gate = createAuthGate(redis, keys.authFailed, queue, tokenFingerprint(token), log);
    const limiter = new OutboundRateLimiter(redis, keys, {
      rate: config.rateLimit,
      slackMs: config.rateSlackMs,
      onError: (err) => outage.errorListener('rate limiter')(err as Error),
      // Each change is told to the one process whose call made it: one line per change across all workers.
      onLimitChange: (limit, why) => log.info({ limit, configured: config.rateLimit, why }, limitChangeMessage(limit, config.rateLimit, why)),
    });
    void gate.failed.then((f) => health.setS1Problem(`S1 rejected the API token (HTTP ${f.status})`));
    // Measured only when served: the hot path stays as it is for workers without METRICS_PORT.
    // prom-client (and the OpenTelemetry API it loads) only for a worker that serves metrics: start-up time otherwise.
    const metrics = config.metricsPort === undefined ? undefined : (await import('./metrics.js')).createWorkerMetrics(config, redis, queue);
    const connections = connectionsFor(config.concurrency);
    const client = openS1Client(config, token, connections, metrics, cleanups);
    const force = new AbortController();
    // Requests to S1 share one listener on it (the S1 client's); each webhook delivery in flight adds its own
    // (AbortSignal.any), and many at once are expected, not a leak.
    setMaxListeners(0, force.signal);
    const notifier = createNotifier(redis, config, log, { onError: outage.errorListener('notify queue') });
    cleanups.push(() => notifier.close());
    const reports = createReportWriter(store, config.reportDir, log, notifier, options.onBatchDone);
    cleanups.push(() => reports.settle());

    let raiseFatal!: (err: AppError) => void;
    const raised = new Promise<AppError>((resolve) => (raiseFatal = resolve));
    const parts = { config, log, redis, store, queue, reports, notifier, outage, raiseFatal, force: force.signal };
    startNotifyWorker(parts, cleanups);
    const reachability = createReachability(config.apiUrl, log, health, (ms) => limiter.pause(ms), config.backoffMs);
    const { worker, settle } = createAssignWorker(parts, { client, limiter, gate, connections, reachability, onRowOutcome: metrics?.rowOutcome });
    cleanups.push(async () => {
      limiter.close();
      await worker.close(force.signal.aborted);
      // Before the reports settle: recording a failed job, or the answer to a completed job's outcome call, can
      // finish its batch and start a report. A forced close does not wait for the jobs, so only this waits for
      // those answers then.
      await settle();
    });
    for (const batchId of await reconcileFailedJobs(queue, store, log, config.keepFailedJobsHours > 0)) reports.batchDone(batchId);
    // Closes first (cleanups run in reverse): no new tick starts while the row worker drains.
    const syncWorker = createSyncWorker(parts);
    cleanups.push(() => syncWorker.close(force.signal.aborted));

    if (metrics && config.metricsPort !== undefined) cleanups.push((await (await import('./metrics-server.js')).startMetricsServer(config.metricsPort, config.metricsHost, metrics, redis, health, log)).close);
    const stopping = new AbortController();
    cleanups.push(() => stopping.abort());
    const started = () => log.info({ concurrency: config.concurrency, connections, jobsInHand: jobsInHand(connections), rateLimit: config.rateLimit, api: config.apiUrl }, 'worker started');
    const fatal = Promise.race([raised, takeJobs({ client, slot: () => limiter.acquire(), apiUrl: config.apiUrl, log, health, redis, authFlagKey: keys.authFailed, queue, gate, workers: [worker, syncWorker], stopping: stopping.signal, onStarted: started })]);
    return {
      worker,
      store,
      health,
      fatal,
      close(forceNow = false) {
        if (forceNow) force.abort();
        return cleanups.run();
      },
    };
  } catch (err) {
    await cleanups.run().catch(() => undefined);
    throw err;
  }
}

/** Workers ride out Redis restarts; an outage is one warn line when it starts and one info line when it ends. */
async function connectWorkerRedis(config: Config, outage: RedisOutageLog): Promise<Redis> {
  const redis = createRedis(config.redisUrl, 'worker');
  await connectRedis(redis, config.redisUrl);
  outage.watch(redis);
  return redis;
}

/** The S1 client of this process (measured when metrics are served); closed with the process. */
function openS1Client(config: Config, token: string, connections: number, metrics: WorkerMetrics | undefined, cleanups: CleanupStack): S1Client {
  const client = createS1Client({ baseUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, connections });
  cleanups.push(() => client.close());
  return metrics ? metrics.instrument(client) : client;
}

/**
 * BullMQ loses jobs on a Redis that evicts keys: a worker refuses to start on one unless ALLOW_EVICTION=1 says
 * the risk is taken (then rows whose job was evicted end as failed `evicted`).
 */
async function refuseEvictingRedis(redis: Redis, allowEviction: boolean, log: Logger): Promise<void> {
  const warning = await evictionPolicyWarning(redis);
  if (!warning) return;
  if (!allowEviction) throw new AppError('redis', `${warning} A worker does not start on such a Redis (ALLOW_EVICTION=1 to start anyway).`);
  log.warn(`${warning} Starting anyway: ALLOW_EVICTION=1.`);
}
