import { Parser, type Options } from 'csv-parse';
import type { RecordStartIndex } from './record-start-index.js';

/** A record's trimmed fields and the physical line where it starts. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * csv-parse's stream, emitting {@link CsvRecord}s: each record with the line where it starts, looked up in the
 * {@link RecordStartIndex} placed before it in the pipeline. Records whose fields are all empty (`;;`, as Excel
 * writes a cleared row) are dropped like blank lines.
 *
 * The lookup happens as csv-parse pushes each record, when `info.bytes` is the offset just past that record (the
 * parser's documented `info` object). Doing it here rather than in `on_record` avoids csv-parse building a context
 * object per record, which made reading a third slower; doing it here rather than in the consumer matters because
 * when parsing fails the stream iterator throws at once, dropping records still buffered, so only this side knows
 * where the broken record starts.
 */
export class LocatingParser extends Parser {
  private previousEnd = 0;

  constructor(
    options: Options,
    private readonly index: RecordStartIndex,
  ) {
    super(options);
  }

  /** The line where the record being parsed now starts: the one after the last record pushed. */
  currentRecordLine(): number {
    return this.index.lineAt(this.previousEnd);
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding);
    const line = this.currentRecordLine();
    this.previousEnd = this.info.bytes;
    const fields = chunk as string[];
    if (fields.every((field) => field === '')) return true;
    const record: CsvRecord = { fields, line };
    return super.push(record, encoding);
  }
}
