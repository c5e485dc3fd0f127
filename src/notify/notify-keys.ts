/** The BullMQ queue of notifications: one job per event, job id = the event's id. */
export const NOTIFY_QUEUE = 'notify';

/** The one job kind on {@link NOTIFY_QUEUE}. */
export const NOTIFY_JOB = 'deliver';

/** Redis keys of the delivery claims; the prefix's hash tag keeps them in the queue's Cluster slot. */
export function notifyKeys(prefix: string, eventId: string) {
  const base = `${prefix}:notify:${eventId}`;
  return {
    /** String with a TTL: the event was delivered (value: when). Outlives the job, so a late re-run sends nothing. */
    delivered: `${base}:delivered`,
    /** String with a short TTL while one worker POSTs the event (value: who), so two never POST it at once. */
    sending: `${base}:sending`,
  };
}
