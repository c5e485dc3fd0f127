import type { Redis } from 'ioredis';
import { ACQUIRE_SLOTS_KEYS, RESTAMP_SLOTS_KEYS, type LimiterKeys } from '../keys.js';
import { defineLuaCommand, readLuaScripts, scriptWithKeys } from '../lua-files.js';

/** The rate-limiter family: the `.lua` files beside this one, read once. */
const FILES = readLuaScripts(new URL('./', import.meta.url));

// Each script with the key order its call below passes (KEYS[1], KEYS[2], ...).
const ACQUIRE_SLOTS = scriptWithKeys(FILES, 'acquireSlots', ACQUIRE_SLOTS_KEYS);
const RESTAMP_SLOTS = scriptWithKeys(FILES, 'restampSlots', RESTAMP_SLOTS_KEYS);
const LEARN_LIMIT = scriptWithKeys(FILES, 'learnLimit', ['rateLearnt']);
const EXTEND_PAUSE = scriptWithKeys(FILES, 'extendPause', ['ratePause']);

/**
 * The limiter scripts as typed calls on one connection and one set of keys (the key lists are built once: a grant
 * round is a hot call). The comment block of each `.lua` file says what it does.
 */
export interface LimiterScripts {
  /** ARGV: limit, wanted, windowUs, nonce, paceUs, then re-stamp triples. Returns [granted, waitMs]. */
  acquireSlots(args: (string | number)[]): Promise<[number, number]>;
  restampSlots(windowUs: number, restamps: (string | number)[]): Promise<number>;
  extendPause(ms: number): Promise<number>;
  learnLimit(configured: number, announced: number | undefined, windowUs: number): Promise<number>;
}

export function loadLimiterScripts(redis: Redis, keys: LimiterKeys): LimiterScripts {
  const acquireSlots = defineLuaCommand(redis, 'ba', ACQUIRE_SLOTS);
  const restampSlots = defineLuaCommand(redis, 'ba', RESTAMP_SLOTS);
  const learnLimit = defineLuaCommand(redis, 'ba', LEARN_LIMIT);
  const extendPause = defineLuaCommand(redis, 'ba', EXTEND_PAUSE);
  const acquireKeys = ACQUIRE_SLOTS_KEYS.map((name) => keys[name]);
  const restampKeys = RESTAMP_SLOTS_KEYS.map((name) => keys[name]);
  return {
    acquireSlots: (args) => acquireSlots(...acquireKeys, ...args) as Promise<[number, number]>,
    restampSlots: (windowUs, restamps) => restampSlots(...restampKeys, windowUs, ...restamps) as Promise<number>,
    extendPause: (ms) => extendPause(keys.ratePause, ms) as Promise<number>,
    learnLimit: async (configured, announced, windowUs) => Number(await learnLimit(keys.rateLearnt, configured, announced ?? '', windowUs)),
  };
}
