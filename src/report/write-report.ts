import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { defuseCell } from '../csv/defuse-cell.js';
import { AppError } from '../errors.js';
import type { BatchStore } from '../queue/batch-store.js';
import type { FailureDetail } from '../queue/outcomes.js';
import { buildReport, type BatchReport } from './build-report.js';

/** The failures.csv header; `import` reads accountUserId and groupId from it and ignores the rest. */
export const FAILURES_COLUMNS = ['line', 'accountUserId', 'groupId', 'outcome', 'reason', 'httpStatus', 'attempts', 'message'] as const;

export interface WrittenReport {
  report: BatchReport;
  dir: string;
  jsonPath: string;
  csvPath: string;
}

function toRecord(d: FailureDetail): string[] {
  const cells = [String(d.line), d.accountUserId, d.groupId, d.outcome, d.reason, d.httpStatus === undefined ? '' : String(d.httpStatus), d.attempts === undefined ? '' : String(d.attempts), d.message ?? ''];
  return cells.map(defuseCell);
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
  try {
    await mkdir(dir, { recursive: true });
    await pipeline(
      Readable.from(
        (async function* () {
          for await (const d of store.failures(batchId)) yield toRecord(d);
        })(),
      ),
      stringify({ header: true, columns: [...FAILURES_COLUMNS], record_delimiter: 'unix' }),
      createWriteStream(csvPath + suffix),
    );
    await writeFile(jsonPath + suffix, JSON.stringify(report, null, 2) + '\n');
    await rename(csvPath + suffix, csvPath);
    await rename(jsonPath + suffix, jsonPath);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('io', `cannot write the report to ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return { report, dir, jsonPath, csvPath };
}
