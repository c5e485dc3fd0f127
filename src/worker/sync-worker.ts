import { Worker } from 'bullmq';
import { SYNC_QUEUE, createSyncProcessor, type SyncPayload } from '../../jobs/index.js';
import type { WorkerParts } from './worker-parts.js';

/**
 * The BullMQ worker of the `sync` queue: the ticks of `bulk-assign schedule` job schedulers, one at a time per
 * process; each tick imports one batch (src/schedule, jobs/sync-schedule.ts).
 */
export function createSyncWorker(parts: WorkerParts): Worker<SyncPayload> {
  const { redis, store, queue, config, log, reports } = parts;
  const worker = new Worker<SyncPayload>(SYNC_QUEUE, createSyncProcessor({ redis, store, queue, config, log, onBatchDone: reports.batchDone }), {
    connection: redis,
    prefix: config.prefix,
    concurrency: 1,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    // Started with the row worker, once S1 has answered the preflight read.
    autorun: false,
  });
  worker.on('error', (err) => log.error({ err }, 'sync worker error'));
  return worker;
}
