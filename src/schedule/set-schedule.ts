import type { Queue } from 'bullmq';
import type { ResolvedSchedule } from './resolve-schedule.js';
import { SYNC_JOB } from './schedule-keys.js';

/**
 * Creates or replaces the BullMQ job scheduler named after the schedule (`upsertJobScheduler`): setting the same
 * name again leaves one scheduler with the new pattern, zone and definition, and replaces its waiting tick.
 * Returns when the next tick is due.
 */
export async function setSchedule(syncQueue: Queue, s: ResolvedSchedule): Promise<Date> {
  await syncQueue.upsertJobScheduler(
    s.definition.name,
    { pattern: s.cron, tz: s.tz },
    { name: SYNC_JOB, data: s.definition, opts: { removeOnComplete: true, removeOnFail: true, attempts: 1 } },
  );
  const saved = await syncQueue.getJobScheduler(s.definition.name);
  return typeof saved?.next === 'number' ? new Date(saved.next) : s.next;
}
