/** The name of the BullMQ queue that holds schedule ticks (one job per tick, made by BullMQ's job schedulers). */
export const SYNC_QUEUE = 'sync';

/** The job name of a tick, for the scheduler's template and for `run-now`. */
export const SYNC_JOB = 'sync';

/**
 * Redis keys of one schedule, besides BullMQ's scheduler records. Under the configured prefix (and its `{hash tag}`),
 * so they share the Cluster slot of the queues and batch records.
 */
export function scheduleKeys(prefix: string, name: string) {
  const base = `${prefix}:schedule:${name}`;
  return {
    /** Hash: ticks, lastTickAt, lastTickOutcome, lastError, lastBatchId, skippedTicks, failedTicks, memoryBatchId. */
    state: base,
    /** String with a TTL: held (by a random token) while a tick of this schedule decides and imports. */
    lock: `${base}:lock`,
    /** String: sorted 8-byte hashes of the pairs that ended assigned or already-member in batch memoryBatchId. */
    memory: `${base}:memory`,
    /** String per batch: 12-byte records (line u32, pair hash u64) of its valid rows, until the next tick folds them in. */
    pairs: (batchId: string) => `${base}:pairs:${batchId}`,
  };
}
export type ScheduleKeys = ReturnType<typeof scheduleKeys>;
