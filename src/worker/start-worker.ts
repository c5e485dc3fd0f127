import { setMaxListeners } from 'node:events';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AssignPayload } from '../../jobs/index.js';
import { requireToken, retentionSeconds, type Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { BatchStore, GlobalRateLimiter, connectRedis, createAssignQueue, createRedis, evictionPolicyWarning, globalKeys } from '../queue/index.js';
import { createS1Client } from '../s1/index.js';
import { createAssignWorker } from './assign-worker.js';
import { checkAuthFlag, createAuthGate, tokenFingerprint, type AuthFailure } from './auth-gate.js';
import { connectionsFor, jobsInHand } from './capacity.js';
import { CleanupStack } from './cleanup-stack.js';
import { reconcileFailedJobs } from './reconcile-on-start.js';
import { createReportWriter } from './report-writer.js';
import { createSyncWorker } from './sync-worker.js';

export interface StartWorkerOptions {
  /** Called after this worker wrote the report of a batch it finished. */
  onBatchDone?: (batchId: string) => void;
}

export interface WorkerHandle {
  readonly worker: Worker<AssignPayload>;
  readonly store: BatchStore;
  /** Resolves when S1 rejected the token (the worker has then stopped taking jobs everywhere). */
  readonly authFailed: Promise<AuthFailure>;
  /** Drains in-flight jobs and closes everything in reverse order of start-up; `force` aborts in-flight requests. Safe to call twice. */
  close(force?: boolean): Promise<void>;
}

/**
 * The composition root of a worker process: its Redis connection, the shared rate limiter, the S1 client, the
 * auth gate, and two BullMQ workers (rows, and schedule ticks) running the processors from jobs/. Failed jobs a
 * crash left behind get their outcomes before the first new job is taken.
 */
export async function startWorker(config: Config, log: Logger, options: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const token = requireToken(config);
  const cleanups = new CleanupStack();
  const redis = await connectWorkerRedis(config, log);
  cleanups.push(() => redis.quit().catch(() => redis.disconnect()));
  try {
    const warning = await evictionPolicyWarning(redis);
    if (warning) log.warn(warning);
    const keys = globalKeys(config.prefix);
    const store = new BatchStore(redis, config.prefix, retentionSeconds(config));
    const queue = createAssignQueue(redis, config.prefix);
    cleanups.push(() => queue.close());
    const fingerprint = tokenFingerprint(token);
    await checkAuthFlag(redis, keys.authFailed, queue, fingerprint, log);
    const gate = createAuthGate(redis, keys.authFailed, queue, fingerprint, log);

    const limiter = new GlobalRateLimiter(store.scripts, keys, {
      rate: config.rateLimit,
      slackMs: config.rateSlackMs,
      onError: (err) => log.warn({ err: (err as Error).message }, 'rate limiter could not reach Redis; retrying'),
    });
    const connections = connectionsFor(config.concurrency);
    const client = createS1Client({ baseUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, connections });
    cleanups.push(() => client.close());
    const force = new AbortController();
    // Every in-flight request listens to this one signal; hundreds of listeners are expected, not a leak.
    setMaxListeners(0, force.signal);
    const reports = createReportWriter(store, config.reportDir, log, options.onBatchDone);
    cleanups.push(() => reports.settle());

    const parts = { config, log, redis, store, queue, reports, force: force.signal };
    const worker = createAssignWorker(parts, { client, limiter, gate, connections });
    cleanups.push(async () => {
      limiter.close();
      await worker.close(force.signal.aborted);
    });
    for (const batchId of await reconcileFailedJobs(queue, store, log)) reports.batchDone(batchId);
    // Closes first (cleanups run in reverse): no new tick starts while the row worker drains.
    const syncWorker = createSyncWorker(parts);
    cleanups.push(() => syncWorker.close(force.signal.aborted));

    void worker.run();
    log.info({ concurrency: config.concurrency, connections, jobsInHand: jobsInHand(connections), rateLimit: config.rateLimit, api: config.apiUrl }, 'worker started');
    return {
      worker,
      store,
      authFailed: gate.failed,
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

/** Workers ride out Redis restarts; they say so now and then rather than once per reconnect attempt. */
async function connectWorkerRedis(config: Config, log: Logger): Promise<Redis> {
  let lastWarning = 0;
  const redis = createRedis(config.redisUrl, 'worker', (err) => {
    if (Date.now() - lastWarning > 5000) {
      lastWarning = Date.now();
      log.warn({ err: err.message }, 'Redis connection problem; retrying');
    }
  });
  await connectRedis(redis, config.redisUrl);
  return redis;
}
