import type { Redis } from 'ioredis';
import { ACQUIRE_SLOTS, CHECK_BATCH_DONE, CREATE_BATCH, EXTEND_PAUSE, LEARN_LIMIT, MARK_QUEUED, RECORD_OUTCOMES, RESET_OUTCOMES, RESTAMP_SLOTS } from './lua-scripts.js';

type Script = (...args: (string | number)[]) => Promise<unknown>;

/** The Lua scripts as typed calls; ioredis sends EVALSHA and falls back to EVAL on a cold server (or after a restart). */
export interface Scripts {
  /** One changed flag per row (one tab-joined value each, see RECORD_OUTCOMES), then done. */
  recordOutcomes(keys: string[], nowMs: number, rows: string[]): Promise<number[]>;
  resetOutcomes(keys: string[], lines: number[]): Promise<number>;
  markQueued(outcomesKey: string, lines: number[]): Promise<number>;
  checkBatchDone(batchKey: string, now: number): Promise<number>;
  createBatch(keys: string[], args: (string | number)[]): Promise<string>;
  acquireSlots(keys: string[], args: (string | number)[]): Promise<[number, number]>;
  restampSlots(rateLogKey: string, rateCountKey: string, windowUs: number, restamps: (string | number)[]): Promise<number>;
  extendPause(pauseKey: string, ms: number): Promise<number>;
  learnLimit(adaptKey: string, configured: number, announced: number | undefined, windowUs: number): Promise<number>;
}

const DEFINITIONS = {
  baRecordOutcomes: { numberOfKeys: 5, lua: RECORD_OUTCOMES },
  baResetOutcomes: { numberOfKeys: 5, lua: RESET_OUTCOMES },
  baMarkQueued: { numberOfKeys: 1, lua: MARK_QUEUED },
  baCheckDone: { numberOfKeys: 1, lua: CHECK_BATCH_DONE },
  baCreateBatch: { numberOfKeys: 2, lua: CREATE_BATCH },
  baAcquireSlots: { numberOfKeys: 5, lua: ACQUIRE_SLOTS },
  baRestampSlots: { numberOfKeys: 2, lua: RESTAMP_SLOTS },
  baLearnLimit: { numberOfKeys: 1, lua: LEARN_LIMIT },
  baExtendPause: { numberOfKeys: 1, lua: EXTEND_PAUSE },
} as const;

export function loadScripts(redis: Redis): Scripts {
  for (const [name, def] of Object.entries(DEFINITIONS)) {
    if (!(name in redis)) redis.defineCommand(name, def);
  }
  const call = (target: Redis, name: keyof typeof DEFINITIONS) => (target as unknown as Record<string, Script>)[name]!.bind(target);
  return {
    recordOutcomes: (keys, nowMs, rows) => call(redis, 'baRecordOutcomes')(...keys, nowMs, ...rows) as Promise<number[]>,
    resetOutcomes: (keys, lines) => call(redis, 'baResetOutcomes')(...keys, ...lines) as Promise<number>,
    markQueued: (outcomesKey, lines) => call(redis, 'baMarkQueued')(outcomesKey, ...lines) as Promise<number>,
    checkBatchDone: (batchKey, now) => call(redis, 'baCheckDone')(batchKey, now) as Promise<number>,
    createBatch: (keys, args) => call(redis, 'baCreateBatch')(...keys, ...args) as Promise<string>,
    acquireSlots: (keys, args) => call(redis, 'baAcquireSlots')(...keys, ...args) as Promise<[number, number]>,
    restampSlots: (rateLogKey, rateCountKey, windowUs, restamps) => call(redis, 'baRestampSlots')(rateLogKey, rateCountKey, windowUs, ...restamps) as Promise<number>,
    extendPause: (pauseKey, ms) => call(redis, 'baExtendPause')(pauseKey, ms) as Promise<number>,
    learnLimit: async (adaptKey, configured, announced, windowUs) => Number(await call(redis, 'baLearnLimit')(adaptKey, configured, announced ?? '', windowUs)),
  };
}
