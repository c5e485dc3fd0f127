import { basename } from 'node:path';
import { csvFileRecords } from './csv-file-records.js';
import { undefuseCell } from './defuse-cell.js';
import { csvFileError } from './csv-file-error.js';
import { normalizeHeaderName, resolveHeader, type AssignmentColumns } from './resolve-header.js';

/** One data row as the file wrote it: its id cells and the cells of its other columns, undefused. */
export interface SourceRow {
  kind: 'row';
  line: number;
  accountUserId: string;
  groupId: string;
  others: string[];
}

/** First the header of the other columns, then every data row, in file order (the rows readAssignments yields). */
export type SourceCell = { kind: 'header'; otherColumns: string[] } | SourceRow;

// The columns a results or failures file writes itself: a failures.csv imported again must not carry them twice.
const REPORT_COLUMNS = new Set(['line', 'outcome', 'reason', 'httpstatus', 'attempts', 'message']);

/**
 * Streams a source file's own columns for results.csv and failures.csv: every column but the id columns (e-mail,
 * group name, notes, anything) in their original order. Throws like readAssignments.
 */
export async function* readSourceCells(path: string): AsyncGenerator<SourceCell> {
  const fileLabel = basename(path);
  let columns: AssignmentColumns | undefined;
  let others: number[] = [];
  for await (const records of csvFileRecords(path)) {
    for (const record of records) {
      if (columns === undefined) {
        columns = resolveHeader(record, fileLabel);
        const ids = new Set([columns.accountUserId, columns.groupId]);
        others = record.fields.map((_, i) => i).filter((i) => !ids.has(i) && !REPORT_COLUMNS.has(normalizeHeaderName(record.fields[i] ?? '')));
        yield { kind: 'header', otherColumns: others.map((i) => record.fields[i] ?? '') };
        continue;
      }
      const cell = (i: number | undefined) => (i === undefined ? '' : undefuseCell(record.fields[i] ?? ''));
      yield { kind: 'row', line: record.line, accountUserId: cell(columns.accountUserId), groupId: cell(columns.groupId), others: others.map(cell) };
    }
  }
  if (columns === undefined) throw csvFileError('csv-header', fileLabel, undefined, 'the file is empty');
}
