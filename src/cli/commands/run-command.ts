import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type Config, type ConfigOverrides } from '../../config/index.js';
import { AppError } from '../../errors.js';
import { batchGoneError, importBatch, inPlaceFromServer, makeBatchId, openProducer, validateBatchId, type BatchStatus } from '../../queue/index.js';
import { formatSummary, writeReport } from '../../report/index.js';
import { checkS1, startWorker } from '../../worker/index.js';
import { startDemo } from '../demo.js';
import { resolveNames } from './import-command.js';
import { json, note, out } from '../output.js';
import { createProgress } from '../progress.js';
import { createRunLog } from '../run-log.js';
import { waitForShutdown } from '../shutdown.js';
import { statusJson } from '../../report/status-json.js';

export interface RunFlags {
  batch?: string;
  out?: string;
  rate?: string;
  concurrency?: string;
  sim?: boolean;
  looseIds?: boolean;
  skipExisting?: boolean;
  /** Print only the final status JSON on stdout (the object of `status <batch> --json`); everything else on stderr. */
  json?: boolean;
}

/**
 * import + work in this process (other workers may help) + wait for the batch + report. Exit 0 when every row
 * succeeded, 2 when the batch finished with failed, invalid or duplicate rows, 1 on a fatal error. Its last words
 * (the summary, or the status JSON with --json) are printed after every cleanup, so nothing follows them.
 */
export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const cleanups: Array<() => Promise<unknown>> = [];
  let lastWords: (() => void) | undefined;
  try {
    const overrides: ConfigOverrides = { rateLimit: flags.rate, concurrency: flags.concurrency };
    let config: Config;
    if (flags.sim) {
      const demo = await startDemo(process.env, note);
      cleanups.push(() => demo.stop());
      const withDemo = { ...overrides, ...demo.overrides };
      config = loadConfig({ ...withDemo, prefix: demo.isolate(loadConfig(withDemo).prefix) });
    } else {
      config = loadConfig(overrides);
    }
    // URL and token are proved before anything is queued: a wrong one would leave a batch nobody can finish.
    await checkS1(config);
    const batchId = flags.batch !== undefined ? validateBatchId(flags.batch) : makeBatchId(file);
    const { log, attach } = createRunLog(config, { json: flags.json ?? false });

    const producer = await openProducer(config, { ridesOutRedisRestarts: true });
    cleanups.push(() => producer.close());
    const inPlace = flags.skipExisting ? await inPlaceFromServer(config, log) : undefined;
    const names = await resolveNames(config, log, file);
    const imported = await importBatch(file, producer.store, producer.queue, log, { batchId, looseIds: flags.looseIds ?? false, inPlace, names });
    note(`batch ${batchId}: ${imported.rows} rows (${imported.valid} valid${flags.skipExisting ? `, ${imported.alreadyMember} already in place` : ''}, ${imported.invalid} invalid, ${imported.duplicate} duplicate), ${imported.enqueued} enqueued`);

    const worker = await startWorker(config, log);
    cleanups.push(() => worker.close());
    const shutdown = waitForShutdown(log, config.shutdownGraceSeconds, (force) => worker.close(force));
    cleanups.push(async () => shutdown.dispose());

    const progress = createProgress({ batchId, total: imported.rows });
    attach(progress);
    let status: BatchStatus | undefined;
    let fatalError: AppError | undefined;
    void worker.fatal.then((err) => {
      fatalError = err;
    });
    let interrupted: number | undefined;
    void shutdown.done.then((code) => (interrupted = code === 0 ? 130 : code));
    try {
      for (;;) {
        const seen = await producer.store.getBatch(batchId);
        // The import created it: if it is gone now, Redis lost it, and waiting would never end.
        if (!seen) throw batchGoneError(batchId);
        status = seen;
        progress.update(status);
        if (status.done || fatalError || interrupted !== undefined) break;
        await sleep(200);
      }
    } finally {
      progress.stop();
    }
    if (fatalError) throw fatalError;
    if (interrupted !== undefined) {
      note(`interrupted: batch ${batchId} keeps its pending rows; a worker will finish them (bulk-assign worker)`);
      return interrupted;
    }
    const written = await writeReport(producer.store, batchId, flags.out ?? join(config.reportDir, batchId));
    const summary = formatSummary(written.report, written);
    const final = (await producer.store.getBatch(batchId)) ?? status;
    lastWords = () => {
      if (!flags.json) return out(summary);
      note(summary);
      if (final) json(statusJson(final));
    };
    const r = written.report;
    return r.failed + r.invalid + r.duplicate > 0 ? 2 : 0;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    lastWords?.();
  }
}
