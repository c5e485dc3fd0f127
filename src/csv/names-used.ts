import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { undefuseCell } from './defuse-cell.js';
import { fileReadError } from './io-error.js';
import type { NamesUsed } from './name-lookup.js';
import { readHead } from './read-head.js';
import { readRecords } from './read-records.js';
import { resolveHeader, type AssignmentColumns } from './resolve-header.js';
import { sniffDelimiter } from './sniff-delimiter.js';

/**
 * Which name columns the file fills in at least one row, so the importer reads only the server lists it needs (a
 * failures.csv carrying an empty `email` column costs no list call). Stops reading once both are known to be used.
 * Throws like readAssignments on a missing header, broken structure or io.
 */
export async function namesUsed(path: string): Promise<NamesUsed> {
  const fileLabel = basename(path);
  const used: NamesUsed = { emails: false, groupNames: false };
  const handle = await open(path, 'r').catch((err: unknown) => {
    throw fileReadError(path, err);
  });
  try {
    const head = await readHead(handle).catch((err: unknown) => {
      throw fileReadError(path, err);
    });
    let columns: AssignmentColumns | undefined;
    for await (const records of readRecords(handle, { path, fileLabel, delimiter: sniffDelimiter(head) })) {
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
  } finally {
    await handle.close();
  }
}
