import type { ScheduleSummary } from './list-schedules.js';

/** One element of the array `schedule list --json` prints (the console's `GET /api/schedules` answers the same). */
export function scheduleJson(s: ScheduleSummary) {
  return { name: s.name, cron: s.cron, tz: s.tz, source: s.definition?.source ?? null, mode: s.definition?.mode ?? null, next: s.next?.toISOString() ?? null, lastBatchId: s.state.lastBatchId };
}
