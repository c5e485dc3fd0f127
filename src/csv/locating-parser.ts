import type { TransformCallback } from 'node:stream';
import { Parser, type Options } from 'csv-parse';
import type { RecordStartIndex } from './record-start-index.js';

/** A record's trimmed fields and the physical line where it starts. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * csv-parse's stream, emitting arrays of {@link CsvRecord}s: each record with the line where it starts, looked up in
 * the {@link RecordStartIndex} placed before it in the pipeline. Records whose fields are all empty (`;;`, as Excel
 * writes a cleared row) are dropped like blank lines.
 *
 * The lookup happens as csv-parse pushes each record, when `info.bytes` is the offset just past that record (the
 * parser's documented `info` object). Doing it here rather than in `on_record` avoids csv-parse building a context
 * object per record, which made reading a third slower; doing it here rather than in the consumer matters because
 * when parsing fails the stream iterator throws at once, dropping records still buffered, so only this side knows
 * where the broken record starts.
 *
 * The records of one input chunk leave as one array: a stream item costs its reader a promise and an iterator result
 * or two, and at a million rows per pass that garbage was a good part of what an import allocated.
 */
export class LocatingParser extends Parser {
  private previousEnd = 0;
  private batch: CsvRecord[] = [];

  constructor(
    options: Options,
    private readonly index: RecordStartIndex,
  ) {
    // One batch (a whole input chunk's records) waiting is read-ahead enough.
    super({ ...options, readableHighWaterMark: 0 } as Options);
  }

  /** The line where the record being parsed now starts: the one after the last record pushed. */
  currentRecordLine(): number {
    return this.index.lineAt(this.previousEnd);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (err?: Error | null) => {
      this.pushBatch();
      callback(err);
    });
  }

  override _flush(callback: TransformCallback): void {
    super._flush((err?: Error | null) => {
      this.pushBatch();
      callback(err);
    });
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      this.pushBatch();
      return super.push(null, encoding);
    }
    const line = this.currentRecordLine();
    this.previousEnd = this.info.bytes;
    const fields = chunk as string[];
    if (!fields.every(isEmpty)) this.batch.push({ fields, line });
    return true;
  }

  private pushBatch(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    super.push(batch);
  }
}

function isEmpty(field: string): boolean {
  return field === '';
}
