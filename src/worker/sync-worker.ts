import { Worker, type Job } from 'bullmq';
import { SYNC_QUEUE, createSyncProcessor, type SyncPayload } from '../../jobs/index.js';
import { tickTime } from '../schedule/index.js';
import type { WorkerParts } from './worker-parts.js';

/**
 * The BullMQ worker of the `sync` queue: the ticks of `bulk-assign schedule` job schedulers, one at a time per
 * process; each tick imports one batch (src/schedule, jobs/sync-schedule.ts).
 */
export function createSyncWorker(parts: WorkerParts): Worker<SyncPayload> {
  const { redis, store, queue, config, log, reports, notifier } = parts;
  const processTick = createSyncProcessor({ redis, store, queue, config, log, onBatchDone: reports.batchDone });
  const processor = async (job: Job<SyncPayload>) => {
    const res = await processTick(job);
    // A failed tick tells someone (the schedule's state keeps it too); the webhook never holds up the tick.
    if (res.outcome === 'failed') void notifier.scheduleFailed({ schedule: job.data.name, error: res.reason ?? 'failed', tickAt: tickTime(job.id, job.data, job.timestamp), batchId: res.batchId || undefined });
    return res;
  };
  const worker = new Worker<SyncPayload>(SYNC_QUEUE, processor, {
    connection: redis,
    prefix: config.prefix,
    concurrency: 1,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    // Started with the row worker, once S1 has answered the preflight read.
    autorun: false,
  });
  worker.on('error', parts.outage.errorListener('sync worker'));
  return worker;
}
