import type { BatchFinishedEvent } from './batch-finished-event.js';
import type { ScheduleFailedEvent } from './schedule-failed-event.js';

/** Every notification this tool sends; `event` tells them apart, `id` names one occurrence. */
export type NotifyEvent = BatchFinishedEvent | ScheduleFailedEvent;

export type NotifyEventName = NotifyEvent['event'];

/** Replaces every occurrence of each secret in the event's strings, so a message that quoted one cannot carry it out. */
export function scrubEvent<E extends NotifyEvent>(event: E, secrets: ReadonlyArray<string | undefined>): E {
  const present = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (present.length === 0) return event;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    out[key] = typeof value === 'string' ? present.reduce((v, s) => v.split(s).join('[redacted]'), value) : value;
  }
  return out as E;
}
