import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { BatchFinishedInput } from './batch-finished-event.js';
import type { NotifyRetryPolicy } from './notify-retry.js';
import { createNotifyQueue, notifyBatchFinished, notifyScheduleFailed } from './notify-queue.js';
import type { ScheduleFailedInput } from './schedule-failed-event.js';

export interface NotifierOptions {
  /** Tries and backoff of each event. @defaultValue NOTIFY_RETRY (9 tries within an hour) */
  retry?: NotifyRetryPolicy;
  /** Errors of the queue handle (Redis connection trouble); without a listener BullMQ prints each to stderr. */
  onError?: (err: Error) => void;
}

/** What the worker calls at a batch's end and at a failed tick. Both never reject and never wait on the webhook. */
export interface Notifier {
  /** False when NOTIFY_URL is unset: the calls below do nothing. */
  readonly enabled: boolean;
  batchFinished(input: BatchFinishedInput): Promise<void>;
  scheduleFailed(input: ScheduleFailedInput): Promise<void>;
  /** Closes the queue handle (not the connection, which is the caller's). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The enqueue side of notifications, on the caller's Redis connection. A failure to enqueue (Redis down) is logged
 * and swallowed: a notification is never a reason to fail a batch or a tick.
 */
export function createNotifier(redis: Redis, config: Config, log: Logger, options: NotifierOptions = {}): Notifier {
  if (!config.notifyUrl) {
    return { enabled: false, batchFinished: async () => undefined, scheduleFailed: async () => undefined, close: async () => undefined };
  }
  const queue = createNotifyQueue(redis, config.prefix);
  queue.on('error', options.onError ?? ((err: Error) => log.warn({ err: err.message }, 'notify queue error')));
  const enqueue = { retry: options.retry, secrets: [config.apiToken, config.notifySecret] };
  let closed: Promise<void> | undefined;
  const guard = async (what: Record<string, unknown>, add: () => Promise<{ id: string }>) => {
    try {
      const event = await add();
      log.debug({ ...what, notification: event.id }, 'notification queued');
    } catch (err) {
      log.error({ ...what, err: (err as Error).message }, 'could not queue the notification; it is not sent');
    }
  };
  return {
    enabled: true,
    batchFinished: (input) => guard({ batchId: input.batchId }, () => notifyBatchFinished(queue, { ...input, reportPath: resolve(input.reportPath) }, enqueue)),
    scheduleFailed: (input) => guard({ schedule: input.schedule }, () => notifyScheduleFailed(queue, input, enqueue)),
    close() {
      closed ??= queue.close().catch(() => undefined);
      return closed;
    },
  };
}
