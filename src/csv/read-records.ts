import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { CsvError, type CsvErrorCode } from 'csv-parse';
import { AppError } from '../errors.js';
import { csvFileError } from './csv-file-error.js';
import { isSystemError, fileReadError } from './io-error.js';
import { LocatingParser, type CsvRecord } from './locating-parser.js';
import { RecordStartIndex } from './record-start-index.js';
import type { Delimiter } from './sniff-delimiter.js';
import { InvalidUtf8Error, Utf8Validator } from './utf8-validator.js';

export interface ReadRecordsOptions {
  /** The file's path, for io error messages. */
  path: string;
  /** How the file is named in structure error messages (its basename). */
  fileLabel: string;
  delimiter: Delimiter;
}

/** Longest record accepted; a longer one is almost always an unclosed quote swallowing the rest of the file. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** Most fields accepted in one record. */
export const MAX_COLUMNS = 1000;

const TEXT_AFTER_QUOTE =
  'a quoted field in the record starting here has text after its closing quote; ' +
  'write a quote inside a quoted field as ""';
const PROBLEMS: Partial<Record<CsvErrorCode, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'unclosed quote; the record starting here never ends',
  CSV_MAX_RECORD_SIZE: `the record starting here is longer than ${MAX_RECORD_BYTES / 1024} KiB; is a quote left open?`,
  CSV_INVALID_CLOSING_QUOTE: TEXT_AFTER_QUOTE,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: TEXT_AFTER_QUOTE,
  INVALID_OPENING_QUOTE:
    'the record starting here has a quote inside an unquoted field; quote the whole field and write the quote as ""',
};

/**
 * Streams the records of an open CSV file, in file order, as arrays (one per chunk read): bytes -> UTF-8 check ->
 * line index -> csv-parse, so memory stays flat whatever the file size. Blank lines and records whose fields are all
 * empty (`;;`, as Excel writes a cleared row) are skipped. Throws AppError 'csv-structure' naming the line where a
 * broken record starts, or 'io'.
 */
export async function* readRecords(handle: FileHandle, options: ReadRecordsOptions): AsyncGenerator<CsvRecord[]> {
  const { path, fileLabel, delimiter } = options;
  const index = new RecordStartIndex();
  const parser = new LocatingParser(
    {
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: false,
      trim: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
      // No `info: true`: info.lines names the line where a record ends and counts a CRLF inside quotes twice;
      // LocatingParser works out where records start instead.
    },
    index,
  );
  pipeline(handle.createReadStream({ start: 0 }), new Utf8Validator(), index, parser, () => {
    // Failures reach the loop below through the parser; a consumer that stops early is no failure.
  });
  try {
    for await (const records of parser as AsyncIterable<CsvRecord[]>) {
      for (const record of records) {
        if (record.fields.length > MAX_COLUMNS) {
          throw csvFileError(
            'csv-structure',
            fileLabel,
            record.line,
            `the record starting here has ${record.fields.length} fields, more than the ${MAX_COLUMNS} allowed`,
          );
        }
      }
      yield records;
    }
  } catch (err) {
    throw explain(err, path, fileLabel, () => parser.currentRecordLine());
  }
}

function explain(err: unknown, path: string, fileLabel: string, brokenRecordLine: () => number): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof InvalidUtf8Error) {
    const hint = err.looksLikeUtf16 ? 'it looks like UTF-16' : `invalid byte sequence at byte offset ${err.offset}`;
    return csvFileError('csv-structure', fileLabel, err.line, `not UTF-8 text (${hint}); save the file as UTF-8`, err);
  }
  if (err instanceof CsvError) {
    const problem = PROBLEMS[err.code] ?? `the record starting here cannot be parsed (${err.code}: ${err.message})`;
    return csvFileError('csv-structure', fileLabel, brokenRecordLine(), problem, err);
  }
  if (isSystemError(err)) return fileReadError(path, err);
  return err;
}
