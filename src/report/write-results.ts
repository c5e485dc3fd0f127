import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { defuseCell, readAssignments } from '../csv/index.js';
import { AppError } from '../errors.js';
import type { BatchStore } from '../queue/batch-store.js';
import { OUTCOME_CODE, type FailureDetail } from '../queue/outcomes.js';

/** The results.csv header: one line per data row of the source file, whatever its outcome. */
export const RESULTS_COLUMNS = ['line', 'accountUserId', 'groupId', 'outcome', 'reason', 'httpStatus', 'message'] as const;

const OUTCOME_OF_CODE: Record<string, string> = Object.fromEntries(Object.entries(OUTCOME_CODE).map(([o, c]) => [c, o]));

/** Outcomes whose row keeps a failure detail (a row being retried keeps its last one, but is pending now). */
const HAS_DETAIL = new Set(['failed', 'invalid', 'duplicate']);

/** Outcome bytes are read this many lines at a time, so a million-row batch costs a few round trips and flat memory. */
const CODES_PAGE = 65_536;

/**
 * Every row of the batch with its outcome, in file order. Redis keeps details only of rows that did not succeed,
 * so the ids of the others come from the batch's source file, which must still be where it was imported from.
 */
async function* resultRows(store: BatchStore, batchId: string, source: string, looseIds: boolean): AsyncGenerator<string[]> {
  const failures = store.failures(batchId);
  let nextFailure: FailureDetail | undefined = (await failures.next()).value ?? undefined;
  let page = '';
  let pageStart = -1;
  for await (const row of readAssignments(source, { looseIds })) {
    if (pageStart < 0 || row.line >= pageStart + CODES_PAGE) {
      pageStart = row.line;
      page = await store.outcomeCodes(batchId, pageStart, pageStart + CODES_PAGE - 1);
    }
    while (nextFailure && nextFailure.line < row.line) nextFailure = (await failures.next()).value ?? undefined;
    const code = page[row.line - pageStart] ?? '\0';
    const outcome = OUTCOME_OF_CODE[code] ?? 'pending';
    const d = nextFailure?.line === row.line && HAS_DETAIL.has(outcome) ? nextFailure : undefined;
    const cells = [String(row.line), row.accountUserId, row.groupId, outcome, d?.reason ?? '', d?.httpStatus === undefined ? '' : String(d.httpStatus), d?.message ?? ''];
    yield cells.map(defuseCell);
  }
}

/**
 * Writes results.csv (every row and its outcome) into `dir`, atomically like the report. Throws AppError('not-found')
 * when the batch is unknown or its source file is no longer on this machine.
 */
export async function writeResults(store: BatchStore, batchId: string, dir: string): Promise<string> {
  const batch = await store.getBatch(batchId);
  if (!batch) throw new AppError('not-found', `no batch ${batchId} (it may have expired)`);
  try {
    await access(batch.source);
  } catch {
    throw new AppError('not-found', `results.csv of batch ${batchId} needs its source file, which is no longer where it was imported from`);
  }
  const path = join(dir, 'results.csv');
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await pipeline(Readable.from(resultRows(store, batchId, batch.source, batch.looseIds)), stringify({ header: true, columns: [...RESULTS_COLUMNS], record_delimiter: 'unix' }), createWriteStream(tmp));
    await rename(tmp, path);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('io', `cannot write results.csv to ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return path;
}
