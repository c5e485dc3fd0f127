import { basename } from 'node:path';
import { csvFileRecords } from './csv-file-records.js';
import { undefuseCell } from './defuse-cell.js';
import type { NamesUsed } from './name-lookup.js';
import { resolveHeader, type AssignmentColumns } from './resolve-header.js';

/**
 * Which name columns the file fills in at least one row, so the importer reads only the server lists it needs (a
 * failures.csv carrying an empty `email` column costs no list call). Stops reading once both are known to be used.
 * Throws like readAssignments on a missing header, broken structure or io.
 */
export async function namesUsed(path: string): Promise<NamesUsed> {
  const fileLabel = basename(path);
  const used: NamesUsed = { emails: false, groupNames: false };
  let columns: AssignmentColumns | undefined;
  // Returning early stops csvFileRecords, which closes the file.
  for await (const records of csvFileRecords(path)) {
    for (const record of records) {
      if (columns === undefined) {
        columns = resolveHeader(record, fileLabel);
        if (columns.email === undefined && columns.groupName === undefined) return used;
        continue;
      }
      const filled = (index: number | undefined) => index !== undefined && undefuseCell(record.fields[index] ?? '') !== '';
      used.emails ||= filled(columns.email);
      used.groupNames ||= filled(columns.groupName);
      if ((used.emails || columns.email === undefined) && (used.groupNames || columns.groupName === undefined)) return used;
    }
  }
  return used;
}
