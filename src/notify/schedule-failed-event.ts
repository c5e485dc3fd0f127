import { oneLine } from './one-line.js';

/** What the worker knows when a schedule tick fails. */
export interface ScheduleFailedInput {
  /** The schedule's name. */
  schedule: string;
  /** The tick's one-line reason (runTick's `reason`). */
  error: string;
  /** When the tick was due (ms since epoch or a Date): names the tick, so the same tick never notifies twice. */
  tickAt: number | Date;
  /** The batch the tick was to make, when known. */
  batchId?: string;
}

/** The `schedule.failed` notification, exactly as it is POSTed (JSON). */
export interface ScheduleFailedEvent {
  event: 'schedule.failed';
  /** The event's id, the same on every delivery try: receivers may dedupe on it. */
  id: string;
  /** When the event was raised (ISO 8601). */
  occurredAt: string;
  /** One line naming the schedule and the reason, shown as it is by Slack and Teams incoming webhooks. */
  text: string;
  schedule: string;
  error: string;
  /** When the failed tick was due (ISO 8601). */
  tickAt: string;
  batchId?: string;
}

/** `schedule.failed-<schedule>-<tick ms>`: one event per tick, and a valid BullMQ job id (schedule names hold no ':'). */
export function scheduleFailedId(schedule: string, tickAt: number | Date): string {
  return `schedule.failed-${schedule}-${new Date(tickAt).getTime()}`;
}

export function scheduleFailedEvent(input: ScheduleFailedInput, now: Date = new Date()): ScheduleFailedEvent {
  const tickAt = new Date(input.tickAt).toISOString();
  const error = oneLine(input.error);
  return {
    event: 'schedule.failed',
    id: scheduleFailedId(input.schedule, input.tickAt),
    occurredAt: now.toISOString(),
    text: oneLine(`bulk-assign: schedule ${input.schedule} failed its ${tickAt} tick: ${error}`, 1000),
    schedule: input.schedule,
    error,
    tickAt,
    ...(input.batchId ? { batchId: input.batchId } : {}),
  };
}
