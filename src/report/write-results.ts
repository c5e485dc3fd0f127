import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { defuseCell, readSourceCells } from '../csv/index.js';
import { AppError } from '../errors.js';
import type { BatchStore } from '../queue/batch-store.js';
import { OUTCOME_CODE, type FailureDetail } from '../queue/outcomes.js';

/** The results.csv header before the source file's own other columns: one line per data row, whatever its outcome. */
export const RESULTS_COLUMNS = ['line', 'accountUserId', 'groupId', 'outcome', 'reason', 'httpStatus', 'attempts', 'message'] as const;

const OUTCOME_OF_CODE: Record<string, string> = Object.fromEntries(Object.entries(OUTCOME_CODE).map(([o, c]) => [c, o]));

/** Outcomes whose row keeps a failure detail (a row being retried keeps its last one, but is pending now). */
const HAS_DETAIL = new Set(['failed', 'invalid', 'duplicate']);

/** Outcome bytes are read this many lines at a time, so a million-row batch costs a few round trips and flat memory. */
const CODES_PAGE = 65_536;

/** Rows whose ids are looked up at once, so a million-row batch by name costs a thousand round trips. */
const RESOLVED_PAGE = 1000;

/**
 * The header, then every row of the batch with its outcome, in file order. Redis keeps details (with the resolved
 * ids) only of rows that did not succeed, and the resolved ids of rows named by e-mail or group name; the other
 * rows show the id cells of the source file, which must still be where it was imported from.
 */
async function* resultRows(store: BatchStore, batchId: string, source: string): AsyncGenerator<string[]> {
  const failures = store.failures(batchId);
  let nextFailure: FailureDetail | undefined = (await failures.next()).value ?? undefined;
  let page = '';
  let pageStart = -1;
  let pending: string[][] = [];
  for await (const cell of readSourceCells(source)) {
    if (cell.kind === 'header') {
      yield [...RESULTS_COLUMNS, ...cell.otherColumns].map(defuseCell);
      continue;
    }
    const row = cell;
    if (pageStart < 0 || row.line >= pageStart + CODES_PAGE) {
      pageStart = row.line;
      page = await store.outcomeCodes(batchId, pageStart, pageStart + CODES_PAGE - 1);
    }
    while (nextFailure && nextFailure.line < row.line) nextFailure = (await failures.next()).value ?? undefined;
    const code = page[row.line - pageStart] ?? '\0';
    const outcome = OUTCOME_OF_CODE[code] ?? 'pending';
    const d = nextFailure?.line === row.line && HAS_DETAIL.has(outcome) ? nextFailure : undefined;
    pending.push([
      String(row.line),
      d?.accountUserId || row.accountUserId,
      d?.groupId || row.groupId,
      outcome,
      d?.reason ?? '',
      d?.httpStatus === undefined ? '' : String(d.httpStatus),
      d?.attempts === undefined ? '' : String(d.attempts),
      d?.message ?? '',
      ...row.others,
    ]);
    if (pending.length >= RESOLVED_PAGE) {
      yield* await withResolvedIds(store, batchId, pending);
      pending = [];
    }
  }
  yield* await withResolvedIds(store, batchId, pending);
}

/** Fills the id cells a row left empty (it named the user or group) from the ids its import resolved; defuses. */
async function withResolvedIds(store: BatchStore, batchId: string, rows: string[][]): Promise<string[][]> {
  const missing = rows.filter((r) => r[1] === '' || r[2] === '');
  const ids = await store.resolvedIds(batchId, missing.map((r) => Number(r[0])));
  missing.forEach((r, i) => {
    const found = ids[i];
    if (found === undefined) return;
    r[1] ||= found.accountUserId;
    r[2] ||= found.groupId;
  });
  return rows.map((r) => r.map(defuseCell));
}

/** True when the batch's source file is still where it was imported from. */
export async function sourceAvailable(source: string): Promise<boolean> {
  return access(source).then(
    () => true,
    () => false,
  );
}

/**
 * Writes results.csv (every row and its outcome, then the file's own other columns) into `dir`, atomically like the
 * report. Throws AppError('not-found') when the batch is unknown or its source file is no longer on this machine.
 */
export async function writeResults(store: BatchStore, batchId: string, dir: string): Promise<string> {
  const batch = await store.getBatch(batchId);
  if (!batch) throw new AppError('not-found', `no batch ${batchId} (it may have expired)`);
  if (!(await sourceAvailable(batch.source))) {
    throw new AppError('not-found', `results.csv of batch ${batchId} needs its source file, which is no longer where it was imported from`);
  }
  const path = join(dir, 'results.csv');
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await pipeline(Readable.from(resultRows(store, batchId, batch.source)), stringify({ record_delimiter: 'unix' }), createWriteStream(tmp));
    await rename(tmp, path);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('io', `cannot write results.csv to ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return path;
}
