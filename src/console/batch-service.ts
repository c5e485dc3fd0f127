import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import {
  connectRedis,
  createRedis,
  importBatch,
  inPlaceFromServer,
  resolveNamesFromServer,
  makeBatchId,
  openProducer,
  planFile,
  readExistingMemberships,
  retryBatch,
  validateBatchId,
  validateFile,
  type BatchStatus,
  type FailureDetail,
  type Producer,
  type RetryOptions,
  type RetryResult,
} from '../queue/index.js';
import { batchListEntryJson, buildReport, importJson, statusJson, writeReport, writeResults, type BatchReport } from '../report/index.js';
import { createSyncQueue, listSchedules, runNow, scheduleJson, validateScheduleName, type QueuedTick, type ScheduleSummary } from '../schedule/index.js';

/**
 * The console's only door to src/queue, src/report and src/schedule: every call it makes into them is here, so a
 * rename there is fixed in this one file. The console reads and enqueues like the CLI does; it never runs jobs.
 */
export interface BatchService {
  /** The array `status --json` prints. */
  listBatches(): Promise<Array<ReturnType<typeof batchListEntryJson>>>;
  getBatch(batchId: string): Promise<BatchStatus | undefined>;
  /** The first `limit` failed, invalid or duplicate rows in file order (failures.csv's rows). */
  firstFailures(batchId: string, limit: number): Promise<FailureDetail[]>;
  /** report.json's content, built from Redis now (nothing written). */
  buildReport(batchId: string): Promise<BatchReport | undefined>;
  /** `import --dry-run --json` (with `skipExisting`, `import --dry-run --skip-existing --json`). */
  dryRun(path: string, o: { looseIds: boolean; skipExisting: boolean }): Promise<Record<string, unknown>>;
  /** `import --json`: imports `path` as batch `batchId`. */
  importFile(path: string, o: { batchId: string; looseIds: boolean; skipExisting: boolean }): Promise<ReturnType<typeof importJson>>;
  retry(batchId: string, o: RetryOptions): Promise<RetryResult>;
  /** Writes report.json and failures.csv (or results.csv) of a batch into its report folder; returns the file's path. */
  writeReportFile(batchId: string, file: 'report.json' | 'failures.csv' | 'results.csv'): Promise<string>;
  /** The folder a batch's reports and uploaded source live in. */
  batchDir(batchId: string): string;
  listSchedules(): Promise<ScheduleSummary[]>;
  runNow(name: string): Promise<QueuedTick>;
  /** The BullMQ queues, for Bull Board. */
  queues(): Queue[];
  close(): Promise<void>;
}

export { statusJson, batchListEntryJson, importJson, scheduleJson, validateBatchId, validateScheduleName, makeBatchId };
export type { BatchStatus, BatchReport, FailureDetail, ScheduleSummary, QueuedTick, RetryResult };

/**
 * Opens the connections the console keeps for its life. They ride out a Redis restart (like a worker's) instead of
 * failing fast like a one-shot command's: a console outlives many.
 */
export async function openBatchService(config: Config, log: Logger): Promise<BatchService> {
  const producer: Producer = await openProducer(config, { ridesOutRedisRestarts: true });
  let redis: Redis | undefined;
  let syncQueue: Queue | undefined;
  try {
    redis = createRedis(config.redisUrl, 'worker', (err) => log.warn({ err: err.message }, 'Redis connection problem; retrying'));
    await connectRedis(redis, config.redisUrl);
    syncQueue = createSyncQueue(redis, config.prefix);
  } catch (err) {
    redis?.disconnect();
    await producer.close();
    throw err;
  }
  const r = redis;
  const sq = syncQueue;
  const { store, queue } = producer;
  const batchDir = (batchId: string) => join(config.reportDir, validateBatchId(batchId));
  let closed: Promise<void> | undefined;

  return {
    async listBatches() {
      return (await store.listBatches(20)).map(batchListEntryJson);
    },
    getBatch: (batchId) => store.getBatch(batchId),
    buildReport: (batchId) => buildReport(store, batchId),
    async firstFailures(batchId, limit) {
      const out: FailureDetail[] = [];
      for await (const d of store.failures(batchId, limit)) {
        out.push(d);
        if (out.length >= limit) break;
      }
      return out;
    },
    async dryRun(path, o) {
      const names = await resolveNamesFromServer(config, log, path);
      if (o.skipExisting) {
        const existing = await readExistingMemberships(config, log);
        return { dryRun: true, ...(await planFile(path, o.looseIds, existing.inPlace, existing.knownUser, names)) };
      }
      const { duplicates: _duplicates, ...counts } = await validateFile(path, o.looseIds, names);
      return { dryRun: true, ...counts };
    },
    async importFile(path, o) {
      const inPlace = o.skipExisting ? await inPlaceFromServer(config, log) : undefined;
      const names = await resolveNamesFromServer(config, log, path);
      const res = await importBatch(path, store, queue, log, { batchId: o.batchId, looseIds: o.looseIds, inPlace, names, stableSource: true });
      if (res.done) await writeReport(store, o.batchId, batchDir(o.batchId));
      return importJson(res);
    },
    retry: (batchId, o) => retryBatch(store, queue, batchId, o),
    async writeReportFile(batchId, file) {
      const dir = batchDir(batchId);
      if (file === 'results.csv') return writeResults(store, batchId, dir);
      const w = await writeReport(store, batchId, dir);
      return file === 'report.json' ? w.jsonPath : w.csvPath;
    },
    batchDir,
    listSchedules: () => listSchedules(sq, r, store, config.prefix),
    runNow: (name) => runNow(sq, validateScheduleName(name)),
    queues: () => [queue, sq],
    close() {
      closed ??= (async () => {
        await sq.close().catch(() => undefined);
        await r.quit().catch(() => r.disconnect());
        await producer.close();
      })();
      return closed;
    },
  };
}
