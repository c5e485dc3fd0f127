import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { defuseCell, readSourceCells, type SourceRow } from '../csv/index.js';
import { AppError } from '../errors.js';
import type { BatchStore } from '../queue/batch-store.js';
import type { FailureDetail } from '../queue/outcomes.js';
import { buildReport, type BatchReport } from './build-report.js';
import { sourceAvailable, writeResults } from './write-results.js';

/** The failures.csv header; `import` reads accountUserId and groupId from it and ignores the rest. */
export const FAILURES_COLUMNS = ['line', 'accountUserId', 'groupId', 'outcome', 'reason', 'httpStatus', 'attempts', 'message'] as const;

export interface WrittenReport {
  report: BatchReport;
  dir: string;
  jsonPath: string;
  csvPath: string;
  /** results.csv, written when the batch's source file is still where it was imported from. */
  resultsPath?: string;
}

function toRecord(d: FailureDetail, others: readonly string[] = []): string[] {
  const cells = [String(d.line), d.accountUserId, d.groupId, d.outcome, d.reason, d.httpStatus === undefined ? '' : String(d.httpStatus), d.attempts === undefined ? '' : String(d.attempts), d.message ?? '', ...others];
  return cells.map(defuseCell);
}

/**
 * failures.csv rows: the header, then each failure with the source row's own other columns (e-mail, group name,
 * notes) after the eight columns, so a row that failed on an unknown e-mail can be fixed and imported again as it
 * is. Without the source file only the eight columns are written, as before.
 */
async function* failureRows(store: BatchStore, batchId: string, source: string | undefined): AsyncGenerator<string[]> {
  if (source === undefined) {
    yield [...FAILURES_COLUMNS];
    for await (const d of store.failures(batchId)) yield toRecord(d);
    return;
  }
  const cells = readSourceCells(source);
  const first = (await cells.next()).value;
  const otherColumns = first?.kind === 'header' ? first.otherColumns : [];
  yield [...FAILURES_COLUMNS, ...otherColumns].map(defuseCell);
  let row: SourceRow | undefined;
  // Both streams are in line order: walk the file alongside the failures, never holding more than one row.
  for await (const d of store.failures(batchId)) {
    while (row === undefined || row.line < d.line) {
      const next = await cells.next();
      if (next.done) break;
      if (next.value.kind === 'row') row = next.value;
    }
    yield toRecord(d, row?.line === d.line ? row.others : otherColumns.map(() => ''));
  }
  await cells.return(undefined);
}

/**
 * Writes report.json and failures.csv into `dir`. Failures stream from Redis a page at a time, so a million-row
 * batch costs no more memory than a small one. Files appear atomically (write to a temp name, then rename), since
 * a worker and `run` may both write the same batch's report.
 */
export async function writeReport(store: BatchStore, batchId: string, dir: string): Promise<WrittenReport> {
  const report = await buildReport(store, batchId);
  if (!report) throw new AppError('not-found', `no batch ${batchId} (it may have expired)`);
  const jsonPath = join(dir, 'report.json');
  const csvPath = join(dir, 'failures.csv');
  const suffix = `.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const source = (await sourceAvailable(report.source)) ? report.source : undefined;
  try {
    await mkdir(dir, { recursive: true });
    await pipeline(Readable.from(failureRows(store, batchId, source)), stringify({ record_delimiter: 'unix' }), createWriteStream(csvPath + suffix));
    await writeFile(jsonPath + suffix, JSON.stringify(report, null, 2) + '\n');
    await rename(csvPath + suffix, csvPath);
    await rename(jsonPath + suffix, jsonPath);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('io', `cannot write the report to ${dir}: ${(err as Error).message}`, { cause: err });
  }
  // results.csv is a convenience next to the report: a source file gone or changed since the import must not cost
  // the report itself, which the batch's end depends on.
  const resultsPath = source === undefined ? undefined : await writeResults(store, batchId, dir).catch(() => undefined);
  return { report, dir, jsonPath, csvPath, ...(resultsPath === undefined ? {} : { resultsPath }) };
}
