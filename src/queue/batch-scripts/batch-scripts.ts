import type { Redis } from 'ioredis';
import { OUTCOME_SCRIPT_KEYS, type OutcomeScriptKeys } from '../keys.js';
import { defineLuaCommand, readLuaScripts, scriptWithKeys } from '../lua-files.js';

/** The batch-accounting family: the `.lua` files beside this one, read once. */
const FILES = readLuaScripts(new URL('./', import.meta.url));

// Each script with the key order its call below passes (KEYS[1], KEYS[2], ...).
const RECORD_OUTCOMES = scriptWithKeys(FILES, 'recordOutcomes', OUTCOME_SCRIPT_KEYS);
const RESET_OUTCOMES = scriptWithKeys(FILES, 'resetOutcomes', OUTCOME_SCRIPT_KEYS);
const MARK_QUEUED = scriptWithKeys(FILES, 'markQueued', ['outcomes']);
const CHECK_BATCH_DONE = scriptWithKeys(FILES, 'checkBatchDone', ['batch']);
const CREATE_BATCH = scriptWithKeys(FILES, 'createBatch', ['batch', 'batches']);
const WRITE_BATCH_FIELD = scriptWithKeys(FILES, 'writeBatchField', ['batch']);
const MARK_ENQUEUED = scriptWithKeys(FILES, 'markEnqueued', ['batch', 'outcomes']);

/** The batch scripts as typed calls on one connection. The comment block of each `.lua` file says what it does. */
export interface BatchScripts {
  /** One changed flag per row (one tab-joined value each, see recordOutcomes-5.lua), then done. */
  recordOutcomes(keys: OutcomeScriptKeys, nowMs: number, rows: string[]): Promise<number[]>;
  resetOutcomes(keys: OutcomeScriptKeys, lines: number[]): Promise<number>;
  markQueued(outcomesKey: string, lines: number[]): Promise<number>;
  checkBatchDone(batchKey: string, nowMs: number): Promise<number>;
  createBatch(batchKey: string, batchesKey: string, args: (string | number)[]): Promise<string>;
  /** Rows marked queued by an import; -1 when the batch is gone. `lines` distinct, best in increasing order. */
  markEnqueued(batchKey: string, outcomesKey: string, lines: readonly number[]): Promise<number>;
  /** -1 when the batch is gone (nothing written), else the hash command's answer. */
  writeBatchField(batchKey: string, op: 'incr' | 'setnx' | 'set', field: string, value?: string): Promise<number>;
}

export function loadBatchScripts(redis: Redis): BatchScripts {
  const recordOutcomes = defineLuaCommand(redis, 'ba', RECORD_OUTCOMES);
  const resetOutcomes = defineLuaCommand(redis, 'ba', RESET_OUTCOMES);
  const markQueued = defineLuaCommand(redis, 'ba', MARK_QUEUED);
  const checkBatchDone = defineLuaCommand(redis, 'ba', CHECK_BATCH_DONE);
  const createBatch = defineLuaCommand(redis, 'ba', CREATE_BATCH);
  const writeBatchField = defineLuaCommand(redis, 'ba', WRITE_BATCH_FIELD);
  const markEnqueued = defineLuaCommand(redis, 'ba', MARK_ENQUEUED);
  return {
    recordOutcomes: (keys, nowMs, rows) => recordOutcomes(...keys, nowMs, ...rows) as Promise<number[]>,
    resetOutcomes: (keys, lines) => resetOutcomes(...keys, ...lines) as Promise<number>,
    markQueued: (outcomesKey, lines) => markQueued(outcomesKey, ...lines) as Promise<number>,
    checkBatchDone: (batchKey, nowMs) => checkBatchDone(batchKey, nowMs) as Promise<number>,
    createBatch: (batchKey, batchesKey, args) => createBatch(batchKey, batchesKey, ...args) as Promise<string>,
    markEnqueued: (batchKey, outcomesKey, lines) => markEnqueued(batchKey, outcomesKey, ...linesAsRuns(lines)) as Promise<number>,
    writeBatchField: (batchKey, op, field, value = '') => writeBatchField(batchKey, op, field, value) as Promise<number>,
  };
}

/**
 * Distinct lines as (first line, count) pairs of runs of consecutive lines, as markEnqueued-2.lua takes them. An
 * import chunk's valid rows are nearly one run, so a call carries a few numbers instead of 250: each argument cost the
 * importer and Redis about as much as the byte it marks.
 */
export function linesAsRuns(lines: readonly number[]): number[] {
  const increasing = lines.every((line, i) => i === 0 || line > lines[i - 1]!);
  const sorted = increasing ? lines : [...new Set(lines)].sort((a, b) => a - b);
  const runs: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i]!;
    let count = 1;
    while (sorted[i + count] === first + count) count++;
    runs.push(first, count);
    i += count;
  }
  return runs;
}
