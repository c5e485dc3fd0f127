/** Nightly syncs on BullMQ job schedulers: `schedule set/list/remove/run-now` and the ticks the workers run. */
export { SYNC_QUEUE, SYNC_JOB, scheduleKeys, type ScheduleKeys } from './schedule-keys.js';
export { createSyncQueue } from './sync-queue.js';
export { validateScheduleName, SCHEDULE_NAME_PATTERN } from './schedule-name.js';
export { nextCronRun, validateTimeZone } from './cron-spec.js';
export { describeSource, isUrlSource, parseScheduleDefinition, type ScheduleDefinition } from './schedule-definition.js';
export { resolveSchedule, type ResolvedSchedule, type ScheduleInput } from './resolve-schedule.js';
export { setSchedule } from './set-schedule.js';
export { listSchedules, type ScheduleSummary } from './list-schedules.js';
export { removeSchedule } from './remove-schedule.js';
export { scheduleJson } from './schedule-json.js';
export { runNow, type QueuedTick } from './run-now.js';
export { runTick, type TickContext, type TickResult } from './run-tick.js';
export { tickBatchId, tickTime, utcStamp } from './tick-batch-id.js';
export { ScheduleState, type ScheduleStateRecord, type TickOutcome } from './schedule-state.js';
export { keepSourceCopy, type KeepSourceOptions, type SourceCopy } from './keep-source-copy.js';
export { PairMemory } from './pair-memory.js';
export { pairHash } from './pair-hash.js';
