import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../config/index.js';
import { AppError } from '../../errors.js';
import { createLogger } from '../../log/logger.js';
import { importBatch, inPlaceFromServer, makeBatchId, openProducer, startWorker, validateBatchId, type BatchStatus } from '../../queue/index.js';
import { formatSummary, writeReport } from '../../report/index.js';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { ensureDemoRedis } from '../ensure-redis.js';
import { note, out } from '../output.js';
import { createProgress } from '../progress.js';
import { waitForShutdown } from '../shutdown.js';

export interface RunFlags {
  batch?: string;
  out?: string;
  rate?: string;
  concurrency?: string;
  sim?: boolean;
  looseIds?: boolean;
  skipExisting?: boolean;
}

/**
 * import + work in this process (other workers may help) + wait for the batch + report. Exit 0 when every row
 * succeeded, 2 when the batch finished with failed, invalid or duplicate rows, 1 on a fatal error.
 */
export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    let overrides: Parameters<typeof loadConfig>[0] = { rateLimit: flags.rate, concurrency: flags.concurrency };
    let sim: Simulator | undefined;
    if (flags.sim) {
      const redis = await ensureDemoRedis(process.env, note);
      if (redis.stop) cleanups.push(redis.stop);
      // The simulator gets a throwaway token of its own: the demo needs no real S1 credentials.
      const token = randomBytes(18).toString('base64url');
      sim = await startSimulator({ token });
      cleanups.push(() => sim!.close());
      overrides = { ...overrides, redisUrl: redis.url, apiUrl: sim.url, apiToken: token };
    }
    const config = loadConfig(overrides);
    const batchId = flags.batch !== undefined ? validateBatchId(flags.batch) : makeBatchId(file);
    // On a terminal the bar is the view of progress; row lines would tear it, so only warnings are logged there.
    const level = process.stderr.isTTY && !process.env.LOG_LEVEL ? 'warn' : config.logLevel;
    const log = createLogger({ level });
    if (sim) note(`Using the built-in S1 simulator at ${sim.url}`);

    const producer = await openProducer(config, { ridesOutRedisRestarts: true });
    cleanups.push(() => producer.close());
    const inPlace = flags.skipExisting ? await inPlaceFromServer(config, log) : undefined;
    const imported = await importBatch(file, producer.store, producer.queue, log, { batchId, looseIds: flags.looseIds ?? false, inPlace });
    note(`batch ${batchId}: ${imported.rows} rows (${imported.valid} valid${flags.skipExisting ? `, ${imported.alreadyMember} already in place` : ''}, ${imported.invalid} invalid, ${imported.duplicate} duplicate), ${imported.enqueued} enqueued`);

    const worker = await startWorker(config, log);
    cleanups.push(() => worker.close());
    const shutdown = waitForShutdown(log, config.shutdownGraceSeconds, (force) => worker.close(force));
    cleanups.push(async () => shutdown.dispose());

    const progress = createProgress(imported.rows);
    let status: BatchStatus | undefined;
    let authError: AppError | undefined;
    void worker.authFailed.then((f) => {
      authError = new AppError('auth', `S1 rejected the API token (HTTP ${f.status}); the rows stay pending: set a valid S1_API_TOKEN and run again`);
    });
    let interrupted: number | undefined;
    void shutdown.done.then((code) => (interrupted = code === 0 ? 130 : code));
    for (;;) {
      status = await producer.store.getBatch(batchId);
      if (status) progress.update(status);
      if (status?.done || authError || interrupted !== undefined) break;
      await sleep(200);
    }
    progress.stop();
    if (authError) throw authError;
    if (interrupted !== undefined) {
      note(`interrupted: batch ${batchId} keeps its pending rows; a worker will finish them (bulk-assign worker)`);
      return interrupted;
    }
    const written = await writeReport(producer.store, batchId, flags.out ?? join(config.reportDir, batchId));
    out(formatSummary(written.report, written));
    const r = written.report;
    return r.failed + r.invalid + r.duplicate > 0 ? 2 : 0;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}
