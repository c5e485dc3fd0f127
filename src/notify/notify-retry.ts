import type { JobsOptions } from 'bullmq';

/** How long and how often a notification is tried (BullMQ attempts with exponential backoff). */
export interface NotifyRetryPolicy {
  /** Tries in all, the first included. @defaultValue 9 */
  attempts: number;
  /** Wait before the 2nd try in ms; each later wait doubles. @defaultValue 14000 */
  backoffMs: number;
  /** Share of each wait drawn at random (0-1), so receivers coming back are not hit by every event at once. @defaultValue 0.2 */
  jitter: number;
}

/**
 * 9 tries, waits of 14 s doubling to 30 min: 14 × (2⁸ − 1) = 3,570 s, so the last try comes just under an hour
 * after the first (jitter only shortens waits). After it the event is given up and logged.
 */
export const NOTIFY_RETRY: NotifyRetryPolicy = { attempts: 9, backoffMs: 14_000, jitter: 0.2 };

/** Longest time from the first try to the last, in ms (without the tries' own durations). */
export function retryWindowMs(policy: NotifyRetryPolicy): number {
  return policy.backoffMs * (2 ** (policy.attempts - 1) - 1);
}

/** Finished notifications that failed stay this long: they show in queue tools and keep the event id taken. */
const FAILED_KEEP_SECONDS = 7 * 86_400;

/**
 * The options each notification job is added with. Stored on the job (a notify queue holds a handful of jobs), so
 * the policy survives restarts. Completed jobs go at once: the delivered claim, not the job, remembers the event.
 */
export function notifyJobOptions(eventId: string, policy: NotifyRetryPolicy = NOTIFY_RETRY): JobsOptions {
  return {
    jobId: eventId,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: policy.jitter },
    removeOnComplete: true,
    removeOnFail: { age: FAILED_KEEP_SECONDS },
  };
}
