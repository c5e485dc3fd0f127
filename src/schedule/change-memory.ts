import type { Redis } from 'ioredis';
import { readAssignments, type NameLookup } from '../csv/index.js';
import type { BatchStore } from '../queue/batch-store.js';
import { OUTCOME_CODE } from '../queue/outcomes.js';
import { pairHash } from './pair-hash.js';
import { PairMemory } from './pair-memory.js';
import type { ScheduleKeys } from './schedule-keys.js';

/** Bytes per record of a batch's pair list: line (u32) + pair hash (u64). */
const RECORD = 12;
const SUCCESS = new Set([OUTCOME_CODE.assigned.charCodeAt(0), OUTCOME_CODE['already-member'].charCodeAt(0)]);

/**
 * Writes `line -> pair hash` of every valid row of a tick's source copy to Redis (12 bytes per row, appended a few
 * thousand records at a time, so memory stays flat), for the next tick to fold into the schedule's memory once this
 * batch has finished. Stored in Redis rather than read back from the copy because the next tick may run on another
 * machine. Returns the number of data rows (0 = a source with a header and nothing else).
 */
export async function writePairRecords(redis: Redis, key: string, path: string, looseIds: boolean, ttlSeconds: number, names?: NameLookup): Promise<number> {
  await redis.del(key);
  let rows = 0;
  const chunkRecords = 4096;
  let buf = Buffer.allocUnsafe(chunkRecords * RECORD);
  let n = 0;
  const flush = async () => {
    if (n === 0) return;
    await redis.append(key, buf.subarray(0, n * RECORD));
    buf = Buffer.allocUnsafe(chunkRecords * RECORD);
    n = 0;
  };
  for await (const row of readAssignments(path, { looseIds, names })) {
    rows++;
    if (row.kind !== 'valid') continue;
    buf.writeUInt32BE(row.line, n * RECORD);
    buf.writeBigUInt64BE(pairHash(row.accountUserId, row.groupId), n * RECORD + 4);
    if (++n === chunkRecords) await flush();
  }
  await flush();
  await redis.expire(key, ttlSeconds);
  return rows;
}

/**
 * Rebuilds the schedule's memory from a finished batch: the pairs whose row ended assigned or already-member
 * (`unchanged` rows included, so they are carried forward). Pairs that failed, and pairs no longer in the source,
 * drop out and will be sent again when they appear. Returns the new memory, or undefined when the batch left no pair
 * list (it ran in full mode, or the list expired): the caller then forgets everything and the next sync sends all.
 */
export async function foldBatchIntoMemory(redis: Redis, keys: ScheduleKeys, store: BatchStore, batchId: string, pageRecords = 8192): Promise<PairMemory | undefined> {
  const pairsKey = keys.pairs(batchId);
  const length = await redis.strlen(pairsKey);
  if (length === 0) return undefined;
  const hashes = new BigUint64Array(Math.floor(length / RECORD));
  let kept = 0;
  for (let from = 0; from < length; from += pageRecords * RECORD) {
    const page = await redis.getrangeBuffer(pairsKey, from, Math.min(length, from + pageRecords * RECORD) - 1);
    const records = Math.floor(page.length / RECORD);
    if (records === 0) continue;
    // Lines increase through the list, so one GETRANGE of outcome bytes covers the page.
    const first = page.readUInt32BE(0);
    const last = page.readUInt32BE((records - 1) * RECORD);
    const codes = await store.outcomeCodes(batchId, first, last);
    for (let i = 0; i < records; i++) {
      const line = page.readUInt32BE(i * RECORD);
      if (SUCCESS.has(codes.charCodeAt(line - first))) hashes[kept++] = page.readBigUInt64BE(i * RECORD + 4);
    }
  }
  return PairMemory.fromHashes(hashes.subarray(0, kept));
}

/** Stores the memory (8 bytes per pair) and drops the folded batch's pair list. */
export async function saveMemory(redis: Redis, keys: ScheduleKeys, memory: PairMemory, foldedBatchId: string): Promise<void> {
  const p = redis.multi().del(keys.memory);
  if (memory.size > 0) p.set(keys.memory, memory.toBuffer());
  await p.hset(keys.state, 'memoryBatchId', foldedBatchId).del(keys.pairs(foldedBatchId)).exec();
}

export async function loadMemory(redis: Redis, keys: ScheduleKeys): Promise<PairMemory> {
  return PairMemory.fromBuffer(await redis.getBuffer(keys.memory));
}
