import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BatchStatus, BatchStore } from '../queue/batch-store.js';
import { parseScheduleDefinition, type ScheduleDefinition } from './schedule-definition.js';
import { ScheduleState, type ScheduleStateRecord } from './schedule-state.js';

/** One schedule as `schedule list` shows it. */
export interface ScheduleSummary {
  name: string;
  cron: string;
  tz: string;
  /** Undefined when the scheduler's template data is not ours (written by another tool or version). */
  definition: ScheduleDefinition | undefined;
  /** When the next tick is due, or null when BullMQ has none queued. */
  next: Date | null;
  state: ScheduleStateRecord;
  /** The last batch a tick created, while it is kept (BATCH_RETENTION_DAYS). */
  lastBatch: BatchStatus | undefined;
}

/** Every schedule, soonest next tick first, with its state and last batch. */
export async function listSchedules(syncQueue: Queue, redis: Redis, store: BatchStore, prefix: string): Promise<ScheduleSummary[]> {
  const schedulers = await syncQueue.getJobSchedulers(0, -1, true);
  const out: ScheduleSummary[] = [];
  for (const s of schedulers) {
    const name = s.key;
    const state = await new ScheduleState(redis, prefix, name).read();
    out.push({
      name,
      cron: s.pattern ?? (s.every !== undefined ? `every ${s.every} ms` : ''),
      tz: s.tz ?? 'UTC',
      definition: parseScheduleDefinition(s.template?.data),
      next: typeof s.next === 'number' && Number.isFinite(s.next) ? new Date(s.next) : null,
      state,
      lastBatch: state.lastBatchId ? await store.getBatch(state.lastBatchId) : undefined,
    });
  }
  return out;
}
