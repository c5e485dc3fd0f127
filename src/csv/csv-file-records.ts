import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileReadError } from './io-error.js';
import type { CsvRecord } from './locating-parser.js';
import { readHead } from './read-head.js';
import { readRecords } from './read-records.js';
import { sniffDelimiter } from './sniff-delimiter.js';

/**
 * The records of a CSV file, in batches, header first: the file opened once, its delimiter sniffed from its head,
 * and closed however the reader stops (to the end, early, or on an error). Every reader of assignment files
 * (readAssignments, namesUsed, readSourceCells) goes through here. Throws AppError 'io' when the file cannot be read
 * and whatever readRecords throws on broken structure.
 */
export async function* csvFileRecords(path: string): AsyncGenerator<CsvRecord[]> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fileReadError(path, err);
  }
  try {
    let head: Buffer;
    try {
      head = await readHead(handle);
    } catch (err) {
      throw fileReadError(path, err);
    }
    yield* readRecords(handle, { path, fileLabel: basename(path), delimiter: sniffDelimiter(head) });
  } finally {
    // Usually closed already by the read stream; closing twice is harmless.
    await handle.close();
  }
}
