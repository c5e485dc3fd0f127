import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { batchFinishedEvent, type BatchFinishedEvent, type BatchFinishedInput } from './batch-finished-event.js';
import { NOTIFY_JOB, NOTIFY_QUEUE } from './notify-keys.js';
import { scrubEvent, type NotifyEvent } from './notify-event.js';
import { NOTIFY_RETRY, notifyJobOptions, type NotifyRetryPolicy } from './notify-retry.js';
import { scheduleFailedEvent, type ScheduleFailedEvent, type ScheduleFailedInput } from './schedule-failed-event.js';

/** The queue notifications are enqueued on; pass the worker's (or producer's) connection. */
export function createNotifyQueue(redis: Redis, prefix: string): Queue<NotifyEvent> {
  return new Queue<NotifyEvent>(NOTIFY_QUEUE, { connection: redis, prefix });
}

export interface EnqueueOptions {
  /** Tries and backoff. @defaultValue {@link NOTIFY_RETRY} (9 tries within an hour) */
  retry?: NotifyRetryPolicy;
  /** Strings that must never leave in an event (the API token): replaced by `[redacted]`. @defaultValue [] */
  secrets?: ReadonlyArray<string | undefined>;
}

/**
 * Adds the event's delivery job: one Redis round trip, never a wait on the webhook. The job id is the event id,
 * so while a job for it exists (waiting, delayed between tries, active, or failed for good) another add is a no-op,
 * whoever makes it; after the job completed, the delivered claim stops a second POST.
 */
export async function enqueueNotification<E extends NotifyEvent>(queue: Queue<NotifyEvent>, event: E, options: EnqueueOptions = {}): Promise<E> {
  const safe = scrubEvent(event, options.secrets ?? []);
  await queue.add(NOTIFY_JOB, safe, notifyJobOptions(safe.id, options.retry ?? NOTIFY_RETRY));
  return safe;
}

/** Enqueues `batch.finished` for a batch whose last row got its outcome. */
export function notifyBatchFinished(queue: Queue<NotifyEvent>, input: BatchFinishedInput, options: EnqueueOptions = {}): Promise<BatchFinishedEvent> {
  return enqueueNotification(queue, batchFinishedEvent(input), options);
}

/** Enqueues `schedule.failed` for a schedule tick that ended failed. */
export function notifyScheduleFailed(queue: Queue<NotifyEvent>, input: ScheduleFailedInput, options: EnqueueOptions = {}): Promise<ScheduleFailedEvent> {
  return enqueueNotification(queue, scheduleFailedEvent(input), options);
}
