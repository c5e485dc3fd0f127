import { basename } from 'node:path';
import { classifyRow } from './classify-row.js';
import { csvFileRecords } from './csv-file-records.js';
import { csvFileError } from './csv-file-error.js';
import { DuplicateIndex } from './duplicate-index.js';
import { resolveHeader, type AssignmentColumns } from './resolve-header.js';
import type { ReadAssignmentsOptions, RowResult } from './types.js';

/**
 * Streams an assignments file and yields one RowResult per data row, in file order: `valid`, `invalid` (with a
 * reason and a message) or `duplicate` of an earlier valid row. Memory stays flat apart from the duplicate index:
 * about 25 bytes per distinct valid pair of the documented shapes, the ids themselves for any other.
 *
 * Throws AppError 'io' when the file cannot be read, 'csv-header' when the header row is missing or lacks a
 * column, and 'csv-structure' when the file cannot be parsed to its end; rows already yielded must then be
 * discarded by the caller, as an import of half a file is never wanted.
 */
export async function* readAssignments(
  path: string,
  options: ReadAssignmentsOptions = {},
): AsyncGenerator<RowResult> {
  const loose = options.looseIds ?? false;
  const known = options.knownDuplicates;
  const fileLabel = basename(path);
  const duplicates = new DuplicateIndex();
  try {
    let columns: AssignmentColumns | undefined;
    for await (const records of csvFileRecords(path)) {
      for (const record of records) {
        if (columns === undefined) {
          columns = resolveHeader(record, fileLabel);
          continue;
        }
        const row = classifyRow(record, columns, loose, options.names);
        const firstLine =
          row.kind !== 'valid'
            ? undefined
            : known
              ? known.get(row.line)
              : duplicates.firstLineOf(row.accountUserId, row.groupId, row.line);
        if (firstLine === undefined) {
          yield row;
        } else {
          yield {
            kind: 'duplicate',
            line: row.line,
            accountUserId: row.accountUserId,
            groupId: row.groupId,
            firstLine,
            reason: `duplicate-of-line-${firstLine}`,
            message: `the same account user and group as line ${firstLine}`,
          };
        }
      }
    }
    if (columns === undefined) {
      throw csvFileError(
        'csv-header',
        fileLabel,
        undefined,
        'the file is empty; it needs a header row with an account user column (e.g. accountUserId) ' +
          'and a group column (e.g. groupId); headers found: none',
      );
    }
  } finally {
    // The index can be large; it should not live on with the generator's context until that is collected.
    duplicates.clear();
  }
}
