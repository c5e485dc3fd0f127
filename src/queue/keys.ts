/** The name of the BullMQ queue that holds one job per row. */
export const ASSIGN_QUEUE = 'assign';

/**
 * Every Redis key this tool writes besides BullMQ's own. All start with the configured prefix, which carries a
 * `{hash tag}` so that a batch's keys and the queue share one Redis Cluster slot.
 */
export function batchKeys(prefix: string, batchId: string) {
  const base = `${prefix}:batch:${batchId}`;
  return {
    /** Hash: meta (source, fingerprint, rows, state, timestamps) and counters (assigned, failed, ..., h:<status>). */
    batch: base,
    /** String, one byte per file line: the row's outcome code, or 0 while pending. */
    outcomes: `${base}:outcomes`,
    /** Hash line -> JSON failure detail, for failures.csv. */
    failures: `${base}:failures`,
    /** Sorted set of failed lines (score = line), so failures.csv comes out in file order, page by page. */
    failIdx: `${base}:failidx`,
    /** Hash "outcome|reason" -> count. */
    reasons: `${base}:reasons`,
    /** Hash line -> "accountUserId groupId": the ids a row named by e-mail or group name resolved to, for results.csv. */
    resolved: `${base}:resolved`,
  };
}
export type BatchKeys = ReturnType<typeof batchKeys>;

/** String with a short TTL, renewed while an import of the batch runs: one importer at a time per batch. */
export function importLockKey(prefix: string, batchId: string): string {
  return `${prefix}:batch:${batchId}:importing`;
}

/**
 * KEYS[1..5] of the outcome scripts (batch-scripts/recordOutcomes-5.lua, resetOutcomes-5.lua), in their order. A
 * list, not the property order of batchKeys(): reordering or adding a key there must not shift the scripts' KEYS.
 */
export const OUTCOME_SCRIPT_KEYS = ['batch', 'outcomes', 'failures', 'failIdx', 'reasons'] as const satisfies readonly (keyof BatchKeys)[];
/** A list of key names as the key values a script call passes, same length and order. */
type KeyValues<Names extends readonly string[]> = { readonly [I in keyof Names]: string };
/** A batch's keys in {@link OUTCOME_SCRIPT_KEYS} order. */
export type OutcomeScriptKeys = KeyValues<typeof OUTCOME_SCRIPT_KEYS>;

export function outcomeScriptKeys(k: BatchKeys): OutcomeScriptKeys {
  return OUTCOME_SCRIPT_KEYS.map((name) => k[name]) as unknown as OutcomeScriptKeys;
}

export function globalKeys(prefix: string) {
  return {
    /** Sorted set of batch ids by creation time, for `status` without a batch. */
    batches: `${prefix}:batches`,
    /** Sorted set: the sliding log of grant rounds (member `<round>:<slots>`, score its stamp in µs). */
    rateLog: `${prefix}:rate:rounds`,
    /** Integer: the slots of the rounds in rateLog (kept with it by the limiter's scripts). */
    rateCount: `${prefix}:rate:count`,
    /** Sorted set: the grant rounds of the last pace interval (member `<round>:<slots>`, score its grant time). */
    ratePace: `${prefix}:rate:pace`,
    /** Sorted set: rateLog's rounds trimmed in the last two windows (what a 429's measurement still needs). */
    rateTail: `${prefix}:rate:tail`,
    /** Sorted set: the 429s of the last windows, scored with when their requests were sent. */
    rateRejected: `${prefix}:rate:rejected`,
    /** Hash: the limit learnt from 429s / RateLimit headers when the server allows less than configured. */
    rateLearnt: `${prefix}:rate:learnt`,
    /** List: one JSON entry ({at, limit, why}) per change of the limit in force, newest last, for the reports. */
    rateHistory: `${prefix}:rate:history`,
    /** String with a TTL: while it exists no request is sent (a 429's Retry-After). */
    ratePause: `${prefix}:rate:pause`,
    /** JSON: set when S1 rejected the token; workers stop until the token changes. */
    authFailed: `${prefix}:auth-failed`,
  };
}
export type GlobalKeys = ReturnType<typeof globalKeys>;

/** KEYS[1..7] of limiter-scripts/acquireSlots-7.lua, in its order. */
export const ACQUIRE_SLOTS_KEYS = ['rateLog', 'ratePause', 'rateLearnt', 'ratePace', 'rateCount', 'rateTail', 'rateHistory'] as const satisfies readonly (keyof GlobalKeys)[];
/** KEYS[1..5] of limiter-scripts/learnLimit-5.lua, in its order. */
export const LEARN_LIMIT_KEYS = ['rateLearnt', 'rateLog', 'rateTail', 'rateRejected', 'rateHistory'] as const satisfies readonly (keyof GlobalKeys)[];
/** KEYS[1..3] of limiter-scripts/restampSlots-3.lua, in its order. */
export const RESTAMP_SLOTS_KEYS = ['rateLog', 'rateCount', 'rateTail'] as const satisfies readonly (keyof GlobalKeys)[];
/** The keys the limiter uses: what its constructor needs of {@link globalKeys}. */
export type LimiterKeys = Pick<GlobalKeys, (typeof ACQUIRE_SLOTS_KEYS)[number] | (typeof LEARN_LIMIT_KEYS)[number]>;
