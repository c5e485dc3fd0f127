import { basename, resolve } from 'node:path';
import type { Queue } from 'bullmq';
import pLimit from 'p-limit';
import { readAssignments, type NameLookup, type RowResult } from '../csv/index.js';
import type { Logger } from '../log/logger.js';
import { logRowOutcome } from '../log/row-outcome.js';
import { assignJob } from './assign-job.js';
import type { BatchStore } from './batch-store.js';
import { fileFingerprint } from './file-fingerprint.js';
import { takeSnapshot } from './import-snapshot.js';
import type { FailureDetail } from './outcomes.js';

export interface ImportOptions {
  /** The batch id (already validated). */
  batchId: string;
  /** Accept any safe id instead of the documented patterns. @defaultValue false */
  looseIds?: boolean;
  /**
   * Rows per addBulk call. With 4 calls in flight, 1000 rows wait at Redis, enough to keep it busy while this
   * process is descheduled on a shared machine (100-row chunks were slower there). Fewer jobs in flight than with
   * 1000-row chunks means BullMQ's objects for a job mostly die young instead of reaching the old space, which V8
   * lets grow to several times its live size between full collections: 1,000,000 rows took ~250 MB peak RSS with
   * 1000-row chunks, ~185 MB with 250, at the same speed and with less CPU.
   * @defaultValue 250
   */
  chunkSize?: number;
  /** addBulk calls in flight at once. @defaultValue 4 */
  parallelChunks?: number;
  /**
   * Decides, for a valid row, that it needs no call: it is recorded as `already-member` with the returned reason
   * (`in-place` when the server's list shows it, `unchanged` when a changes-mode sync assigned it before).
   * @defaultValue every valid row is sent
   */
  inPlace?: (accountUserId: string, groupId: string) => string | undefined;
  /** Extra fields stored on a new batch record (e.g. the schedule that made it). @defaultValue none */
  meta?: Record<string, string>;
  /**
   * The file is a private copy nobody else writes (a schedule's kept copy, a console upload): read it as it is.
   * Otherwise the import works from a snapshot of it (see takeSnapshot). @defaultValue false
   */
  stableSource?: boolean;
  /**
   * E-mails and group names resolved through S1 (resolveNamesFromServer), read before the import starts. Rows that
   * need a name and find none are invalid with a named reason; job data holds the resolved ids.
   * @defaultValue undefined (rows that use a name are invalid: `unresolved-name`)
   */
  names?: NameLookup;
}

export interface ValidationCounts {
  rows: number;
  valid: number;
  invalid: number;
  duplicate: number;
  /** Duplicate line -> the line it repeats; pass 2 reuses it instead of indexing every pair again. */
  duplicates?: Map<number, number>;
  /** Invalid rows per reason (`unknown-email`: 3, ...). */
  reasons?: Record<string, number>;
}

export interface ImportResult extends ValidationCounts {
  /** Valid rows recorded as already-member without a call (see ImportOptions.inPlace). */
  alreadyMember: number;
  batchId: string;
  source: string;
  /** 'resumed' when the same file had been imported into this batch before (only missing rows were added). */
  status: 'created' | 'resumed';
  /** Valid rows that had no outcome yet and were handed to the queue. */
  enqueued: number;
  /** True when the batch was already complete when the import ended (e.g. every row invalid). */
  done: boolean;
}

/** Pass 1: read the whole file, validating structure and rows. Throws on structural damage; writes nothing. */
export async function validateFile(path: string, looseIds: boolean, names?: NameLookup): Promise<ValidationCounts> {
  const counts: ValidationCounts = { rows: 0, valid: 0, invalid: 0, duplicate: 0 };
  const duplicates = new Map<number, number>();
  const reasons: Record<string, number> = {};
  for await (const row of readAssignments(path, { looseIds, names })) {
    counts.rows++;
    counts[row.kind]++;
    if (row.kind === 'duplicate') duplicates.set(row.line, row.firstLine);
    if (row.kind === 'invalid') reasons[row.reason] = (reasons[row.reason] ?? 0) + 1;
  }
  return { ...counts, duplicates, reasons };
}

export interface Plan extends ValidationCounts {
  /** Valid rows that would be sent. */
  toAssign: number;
  /** Valid rows already in place on the server. */
  alreadyInPlace: number;
  /** Valid rows whose account user the server does not list (they would fail with 404). */
  unknownUsers: number;
}

/** `--dry-run --skip-existing`: what an import would do, given what the server holds. */
export async function planFile(path: string, looseIds: boolean, inPlace: (u: string, g: string) => string | undefined, knownUser: (u: string) => boolean, names?: NameLookup): Promise<Plan> {
  const plan: Plan = { rows: 0, valid: 0, invalid: 0, duplicate: 0, toAssign: 0, alreadyInPlace: 0, unknownUsers: 0 };
  const reasons: Record<string, number> = {};
  plan.reasons = reasons;
  for await (const row of readAssignments(path, { looseIds, names })) {
    plan.rows++;
    plan[row.kind]++;
    if (row.kind === 'invalid') reasons[row.reason] = (reasons[row.reason] ?? 0) + 1;
    if (row.kind !== 'valid') continue;
    if (inPlace(row.accountUserId, row.groupId) !== undefined) plan.alreadyInPlace++;
    else {
      plan.toAssign++;
      if (!knownUser(row.accountUserId)) plan.unknownUsers++;
    }
  }
  return plan;
}

type ValidRow = Extract<RowResult, { kind: 'valid' }>;

/** The outcome byte of a row an import queued that has no outcome yet (markEnqueued-2.lua). */
const QUEUED = 'e'.charCodeAt(0);

/** A chunk's rows as pass 2 handles them: outcomes to record now (rejected or already in place), rows to send. */
function sortChunk(chunk: RowResult[], inPlaceOf: ImportOptions['inPlace']): { rejected: FailureDetail[]; valid: ValidRow[]; inPlace: number } {
  const rejected: FailureDetail[] = [];
  const valid: ValidRow[] = [];
  let inPlace = 0;
  for (const r of chunk) {
    if (r.kind !== 'valid') {
      rejected.push({ line: r.line, accountUserId: r.accountUserId, groupId: r.groupId, outcome: r.kind, reason: r.reason, message: r.message });
      continue;
    }
    const reason = inPlaceOf?.(r.accountUserId, r.groupId);
    if (reason === undefined) {
      valid.push(r);
    } else {
      inPlace++;
      rejected.push({ line: r.line, accountUserId: r.accountUserId, groupId: r.groupId, outcome: 'already-member', reason });
    }
  }
  return { rejected, valid, inPlace };
}

/** Enqueues the valid rows of a chunk neither queued nor finished yet (a re-import adds only what is missing); returns how many. */
async function enqueueMissing(store: BatchStore, queue: Queue, batchId: string, valid: ValidRow[]): Promise<number> {
  if (valid.length === 0) return 0;
  // One GETRANGE covers the chunk: lines are increasing, so the chunk spans [first, last].
  const first = valid[0]!.line;
  const codes = await store.outcomeCodes(batchId, first, valid[valid.length - 1]!.line);
  // Rows queued by an earlier import ('e') are added again too: their jobs are waiting or running, so BullMQ ignores
  // the ids it holds, and a job that went missing comes back. Only rows this import marked count as its own.
  const todo = valid.filter((r) => {
    const c = codes.charCodeAt(r.line - first);
    return Number.isNaN(c) || c === 0 || c === QUEUED;
  });
  if (todo.length === 0) return 0;
  await queue.addBulk(todo.map((r) => assignJob(batchId, r)));
  // Under the batch's import lock, so no other import counts these rows as its own.
  return store.markEnqueued(batchId, todo.map((r) => r.line));
}

/**
 * Imports a file as a batch in two passes. Pass 1 validates all of it, so a file that cannot be parsed to the end
 * enqueues nothing. Pass 2 records invalid and duplicate rows and enqueues the valid ones in chunks, skipping rows
 * that already have an outcome: a crashed import run again adds only what is missing.
 */
export async function importBatch(path: string, store: BatchStore, queue: Queue, log: Logger, options: ImportOptions): Promise<ImportResult> {
  const snapshot = options.stableSource ? undefined : await takeSnapshot(path);
  try {
    const fingerprint = snapshot?.fingerprint ?? (await fileFingerprint(path));
    return await importFile(snapshot?.path ?? path, resolve(path), fingerprint, store, queue, log, options);
  } finally {
    await snapshot?.dispose();
  }
}

/** Both passes over `file`, a copy nobody changes; the batch records `source`, where the user's file is. */
async function importFile(file: string, source: string, fingerprint: string, store: BatchStore, queue: Queue, log: Logger, options: ImportOptions): Promise<ImportResult> {
  const looseIds = options.looseIds ?? false;
  const { duplicates, reasons: _reasons, ...counts } = await validateFile(file, looseIds, options.names);
  const { batchId } = options;
  const unlock = await store.lockImport(batchId, () => log.warn({ batchId }, 'another import of this batch is running (or stopped less than 10 s ago): waiting for it, then adding only what it did not'));
  try {
    return await enqueueFile(file, source, fingerprint, counts, duplicates, store, queue, log, options);
  } finally {
    await unlock();
  }
}

/** Pass 2, under the batch's import lock. */
async function enqueueFile(file: string, source: string, fingerprint: string, counts: ValidationCounts, duplicates: Map<number, number> | undefined, store: BatchStore, queue: Queue, log: Logger, options: ImportOptions): Promise<ImportResult> {
  const looseIds = options.looseIds ?? false;
  const { batchId } = options;
  const status = await store.createBatch(batchId, `${fingerprint}${looseIds ? ':loose' : ''}`, source, counts.rows, looseIds, options.meta);
  const blog = log.child({ batchId });
  blog.info({ source: basename(source), status, ...counts }, 'import started');

  const chunkSize = options.chunkSize ?? 250;
  const limit = pLimit(options.parallelChunks ?? 4);
  const inflight = new Set<Promise<void>>();
  let enqueued = 0;
  let alreadyMember = 0;

  const handleChunk = async (chunk: RowResult[]): Promise<void> => {
    const { rejected, valid, inPlace } = sortChunk(chunk, options.inPlace);
    alreadyMember += inPlace;
    if (rejected.length > 0) {
      const results = await store.recordOutcomesInBulk(batchId, rejected);
      results.forEach((res, i) => {
        const d = rejected[i]!;
        if (res.changed) logRowOutcome(log, { batchId, jobId: null, line: d.line, accountUserId: d.accountUserId, groupId: d.groupId, outcome: d.outcome, reason: d.reason, message: d.message });
      });
    }
    if (options.names) await store.recordResolved(batchId, valid);
    // Not `enqueued += await ...`: that reads `enqueued` before the await, and chunks run concurrently.
    const added = await enqueueMissing(store, queue, batchId, valid);
    enqueued += added;
  };

  // The first chunk that fails stops the import; the error is kept here so that no rejection goes unheard while
  // the file is still being read. What was enqueued stays: running the import again adds only what is missing.
  let failure: { err: unknown } | undefined;
  const dispatch = async (chunk: RowResult[]) => {
    const p: Promise<void> = limit(() => handleChunk(chunk))
      .catch((err: unknown) => {
        failure ??= { err };
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    // Backpressure: never read far ahead of Redis, so memory stays flat however large the file.
    if (inflight.size >= (options.parallelChunks ?? 4) * 2) await Promise.race(inflight);
    if (failure) throw failure.err;
  };

  let chunk: RowResult[] = [];
  for await (const row of readAssignments(file, { looseIds, knownDuplicates: duplicates, names: options.names })) {
    chunk.push(row);
    if (chunk.length >= chunkSize) {
      await dispatch(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await dispatch(chunk);
  await Promise.all(inflight);
  if (failure) throw failure.err;
  const done = await store.finishImport(batchId);
  blog.info({ enqueued, done }, 'import finished');
  return { batchId, source, status, ...counts, alreadyMember, enqueued, done };
}
