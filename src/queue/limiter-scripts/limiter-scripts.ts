import type { Redis } from 'ioredis';
import { ACQUIRE_SLOTS_KEYS, LEARN_LIMIT_KEYS, RESTAMP_SLOTS_KEYS, type LimiterKeys } from '../keys.js';
import { defineLuaCommand, readLuaScripts, scriptWithKeys } from '../lua-files.js';

/** The rate-limiter family: the `.lua` files beside this one, read once. */
const FILES = readLuaScripts(new URL('./', import.meta.url));

// Each script with the key order its call below passes (KEYS[1], KEYS[2], ...).
const ACQUIRE_SLOTS = scriptWithKeys(FILES, 'acquireSlots', ACQUIRE_SLOTS_KEYS);
const RESTAMP_SLOTS = scriptWithKeys(FILES, 'restampSlots', RESTAMP_SLOTS_KEYS);
const LEARN_LIMIT = scriptWithKeys(FILES, 'learnLimit', LEARN_LIMIT_KEYS);
const EXTEND_PAUSE = scriptWithKeys(FILES, 'extendPause', ['ratePause']);

/** A grant round's answer: the slots granted, else how long to wait; and the limit it put in force, if it changed one. */
export interface Grant {
  granted: number;
  waitMs: number;
  /** A change of the limit in force this call tells (each is told by one call): undefined when none. */
  newLimit: number | undefined;
  why: string;
}

/** What a 429 or an announced limit taught: the limit now in force, and a change this call tells, if any. */
export interface Learnt {
  limit: number;
  /** The change to log (an announced one is told at once; measured ones at the next grant): undefined when none. */
  told: number | undefined;
  why: string;
}

/** The arguments of learnLimit-5.lua past its keys, by name. */
export interface LearnArgs {
  configured: number;
  announced: number | undefined;
  windowUs: number;
  /** µs since the rejected request's stamp in the log's terms (its send, or its late answer less the allowance). */
  sentAgeUs: number | undefined;
  /** Names this 429 in the rejected set (unique per request). */
  rejection: string;
  serverWindowUs: number;
  dipGapUs: number;
  upGapUs: number;
}

/**
 * The limiter scripts as typed calls on one connection and one set of keys (the key lists are built once: a grant
 * round is a hot call). The comment block of each `.lua` file says what it does.
 */
export interface LimiterScripts {
  /** ARGV: limit, wanted, windowUs, nonce, paceUs, dipGapUs, upGapUs, ahead, aheadFrom, then hand-backs and re-stamps. */
  acquireSlots(args: (string | number)[]): Promise<Grant>;
  /** `restamps`: a count k and k hand-back triples, then re-stamp triples (restampSlots-3.lua). */
  restampSlots(windowUs: number, restamps: (string | number)[]): Promise<number>;
  extendPause(ms: number): Promise<number>;
  learnLimit(args: LearnArgs): Promise<Learnt>;
}

export function loadLimiterScripts(redis: Redis, keys: LimiterKeys): LimiterScripts {
  const acquireSlots = defineLuaCommand(redis, 'ba', ACQUIRE_SLOTS);
  const restampSlots = defineLuaCommand(redis, 'ba', RESTAMP_SLOTS);
  const learnLimit = defineLuaCommand(redis, 'ba', LEARN_LIMIT);
  const extendPause = defineLuaCommand(redis, 'ba', EXTEND_PAUSE);
  const acquireKeys = ACQUIRE_SLOTS_KEYS.map((name) => keys[name]);
  const restampKeys = RESTAMP_SLOTS_KEYS.map((name) => keys[name]);
  const learnKeys = LEARN_LIMIT_KEYS.map((name) => keys[name]);
  return {
    acquireSlots: async (args) => {
      const [granted, waitMs, newLimit, why] = (await acquireSlots(...acquireKeys, ...args)) as [number, number, number, string];
      return { granted, waitMs, newLimit: newLimit > 0 ? newLimit : undefined, why };
    },
    restampSlots: (windowUs, restamps) => restampSlots(...restampKeys, windowUs, ...restamps) as Promise<number>,
    extendPause: (ms) => extendPause(keys.ratePause, ms) as Promise<number>,
    learnLimit: async (a) => {
      const [limit, told, why] = (await learnLimit(...learnKeys, a.configured, a.announced ?? '', a.windowUs, a.sentAgeUs ?? '', a.rejection, a.serverWindowUs, a.dipGapUs, a.upGapUs)) as [number, number, string];
      return { limit, told: told > 0 ? told : undefined, why };
    },
  };
}
