import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { readAssignments } from '../csv/index.js';
import { retentionSeconds, type Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { BatchStore } from '../queue/batch-store.js';
import { importBatch, type ImportOptions } from '../queue/import-batch.js';
import { inPlaceFromServer } from '../queue/server-memberships.js';
import { resolveNamesFromServer } from '../queue/server-names.js';
import { foldBatchIntoMemory, loadMemory, saveMemory, writePairRecords } from './change-memory.js';
import { keepSourceCopy } from './keep-source-copy.js';
import { PairMemory } from './pair-memory.js';
import type { ScheduleDefinition } from './schedule-definition.js';
import { ScheduleState, type TickOutcome } from './schedule-state.js';
import { tickBatchId } from './tick-batch-id.js';
import { acquireTickLock } from './tick-lock.js';

/** What a tick needs from the worker that runs it. */
export interface TickContext {
  /** The worker's Redis connection. */
  redis: Redis;
  store: BatchStore;
  /** The assign queue the batch's rows go to. */
  queue: Queue;
  config: Config;
  log: Logger;
  /** Writes the report of a batch that was complete when its import ended (every row invalid, unchanged or in place). */
  onBatchDone(batchId: string): void;
  /** Where `--header-env` values are read. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
}

/** What a tick did. `repeat`: this tick had already made its batch (the job ran twice); nothing was done. */
export interface TickResult {
  outcome: TickOutcome | 'repeat';
  batchId: string;
  /** For `skipped` and `failed`: why, in one line. */
  reason?: string;
  /** For `batch`: rows handed to the queue. */
  enqueued?: number;
}

/** The one-line reason of a failed tick; never a stack, never more than one line. CSV errors name the source. */
function reasonOf(err: unknown, origin: string | undefined): string {
  const csv = err instanceof AppError && (err.code === 'csv-header' || err.code === 'csv-structure') && origin !== undefined;
  const text = csv ? `source ${origin} is broken: ${err.message}` : err instanceof AppError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  return text.replace(/\s*[\r\n]+\s*/g, ' ').slice(0, 500);
}

/** True when the file has at least one data row; stops at the first (pass 1 of the import reads the rest). */
async function hasDataRow(path: string, looseIds: boolean): Promise<boolean> {
  for await (const _row of readAssignments(path, { looseIds })) return true;
  return false;
}

/**
 * One tick of a schedule: read its source into a stable copy and import it as batch `<name>-<UTC tick time>`.
 *
 * - One batch per tick: BullMQ hands each tick job to one worker; the batch id comes from the tick's scheduled time,
 *   so a job that runs again (stalled worker) finds its batch and resumes or stops, never making a second one.
 * - No overlap: a per-schedule lock (SET NX with a renewed lease) is held while a tick decides and imports, and a
 *   tick whose previous batch has not finished is skipped and recorded, so at most one batch of a schedule runs.
 * - Never throws for a bad source: a missing, empty, unreadable or broken source is recorded as a failed tick.
 *
 * Longer than the house's ~60 lines on purpose: the lock is held across every step, and each step's failure is
 * recorded on the schedule in the one try/finally that releases it; split, the lock's lifetime would be spread
 * across functions that each must remember to release it.
 */
// eslint-disable-next-line max-lines-per-function -- the schedule's lock is held across every step, released in one try/finally (see above)
export async function runTick(ctx: TickContext, def: ScheduleDefinition, tickAt: number): Promise<TickResult> {
  const { redis, store, config } = ctx;
  const batchId = tickBatchId(def.name, tickAt);
  const state = new ScheduleState(redis, config.prefix, def.name);
  const keys = state.keys;
  const log = ctx.log.child({ schedule: def.name, batchId });
  await state.noteTick(new Date(tickAt));

  const skip = async (reason: string, fields: Record<string, unknown> = {}): Promise<TickResult> => {
    await state.recordSkipped(reason);
    log.warn({ ...fields, reason }, 'schedule tick skipped');
    return { outcome: 'skipped', batchId, reason };
  };

  const onLost = () => log.warn('lost the schedule lock during a long tick');
  let lock = await acquireTickLock(redis, keys.lock, config.lockDurationMs, onLost);
  if (!lock && (await store.getBatch(batchId))?.state === 'importing') {
    // This tick's own import was cut off (its worker died and BullMQ handed the job on): the dead holder's lease
    // runs out within one lock duration, so wait for it and resume rather than skip and leave half a batch.
    const until = Date.now() + config.lockDurationMs + 1000;
    while (!lock && Date.now() < until) {
      await sleep(Math.min(250, config.lockDurationMs / 4));
      lock = await acquireTickLock(redis, keys.lock, config.lockDurationMs, onLost);
    }
  }
  if (!lock) return skip('another tick of this schedule is still importing');

  let previousBatchId: string | null = null;
  let claimed = false;
  let origin: string | undefined;
  try {
    const st = await state.read();
    previousBatchId = st.lastBatchId;
    const own = await store.getBatch(batchId);
    const resuming = own !== undefined;
    if (own && own.state !== 'importing') {
      log.info({ state: own.state }, 'schedule tick ran again; its batch exists already');
      return { outcome: 'repeat', batchId };
    }
    if (!resuming && st.lastBatchId) {
      const prev = await store.getBatch(st.lastBatchId);
      if (prev && !prev.done) {
        // With the lock held nobody is importing, so an 'importing' batch is one whose tick died mid-import
        // (BullMQ re-runs that tick, which resumes it); anything else is still working through its rows.
        if (prev.state !== 'importing') return await skip(`the previous batch ${prev.batchId} is still running (${prev.pending} of ${prev.rows} rows pending)`, { previousBatchId: prev.batchId, pending: prev.pending });
        log.warn({ previousBatchId: prev.batchId }, 'the previous batch was left half-imported by a worker that died; its tick will resume it');
      }
    }

    const copy = await keepSourceCopy(def, { dest: join(config.reportDir, batchId, 'source.csv'), env: ctx.env });
    origin = copy.origin;
    if ((await stat(copy.path)).size === 0) throw new AppError('io', `source ${copy.origin}: the file is empty`);
    log.info({ source: copy.origin, copy: copy.path, reused: copy.reused, mode: def.mode }, 'schedule tick: source read');

    // Names are resolved once per tick, before anything of the tick is written: memory and jobs hold resolved ids.
    const names = await resolveNamesFromServer(config, log, copy.path);
    let memory: PairMemory | undefined;
    let hasRows: boolean;
    if (def.mode === 'changes') {
      memory = await currentMemory(ctx, state, st.lastBatchId, st.memoryBatchId, log);
      hasRows = (await writePairRecords(redis, keys.pairs(batchId), copy.path, def.looseIds, retentionSeconds(config), names)) > 0;
    } else {
      hasRows = await hasDataRow(copy.path, def.looseIds);
    }
    if (!hasRows) throw new AppError('io', `source ${copy.origin}: no data rows (only a header)`);

    const fromServer = def.skipExisting ? await inPlaceFromServer(config, log) : undefined;
    const inPlace: ImportOptions['inPlace'] =
      fromServer === undefined && (memory === undefined || memory.size === 0)
        ? undefined
        : (u, g) => fromServer?.(u, g) ?? (memory?.has(u, g) ? 'unchanged' : undefined);

    await state.recordBatch(batchId);
    claimed = true;
    const res = await importBatch(copy.path, store, ctx.queue, ctx.log, {
      batchId,
      looseIds: def.looseIds,
      inPlace,
      names,
      meta: { schedule: def.name, tickAt: new Date(tickAt).toISOString(), mode: def.mode, origin: copy.origin },
      // The tick's own kept copy: nobody else writes it, so no second snapshot is taken.
      stableSource: true,
    });
    if (res.done) ctx.onBatchDone(batchId);
    log.info({ rows: res.rows, enqueued: res.enqueued, alreadyMember: res.alreadyMember, invalid: res.invalid, duplicate: res.duplicate, memoryPairs: memory?.size }, 'schedule tick: batch imported');
    return { outcome: 'batch', batchId, enqueued: res.enqueued };
  } catch (err) {
    const reason = reasonOf(err, origin);
    try {
      if (!(await store.getBatch(batchId))) {
        // A batch that was never created must not stand as the schedule's last batch, nor leave its copy or pair list.
        if (claimed) await redis.hset(keys.state, 'lastBatchId', previousBatchId ?? '');
        await redis.del(keys.pairs(batchId));
        await rm(join(config.reportDir, batchId), { recursive: true, force: true });
      }
      await state.recordFailed(reason);
    } catch (e) {
      log.error({ err: e }, 'could not record the failed tick');
    }
    log.error({ reason, ...(err instanceof AppError ? {} : { err }) }, 'schedule tick failed');
    return { outcome: 'failed', batchId, reason };
  } finally {
    await lock.release();
  }
}

/**
 * The changes-mode memory for this tick. When the previous batch has finished and was not folded in yet, the memory
 * is rebuilt from it (its pair list + outcome bytes) and saved; otherwise the saved memory is used as it is.
 */
async function currentMemory(ctx: TickContext, state: ScheduleState, lastBatchId: string | null, memoryBatchId: string | null, log: Logger): Promise<PairMemory> {
  if (lastBatchId && lastBatchId !== memoryBatchId) {
    const prev = await ctx.store.getBatch(lastBatchId);
    if (prev?.done) {
      const folded = (await foldBatchIntoMemory(ctx.redis, state.keys, ctx.store, lastBatchId)) ?? PairMemory.empty;
      await saveMemory(ctx.redis, state.keys, folded, lastBatchId);
      log.info({ from: lastBatchId, memoryPairs: folded.size, memoryBytes: folded.size * 8 }, 'changes memory rebuilt from the previous batch');
      return folded;
    }
  }
  return loadMemory(ctx.redis, state.keys);
}
