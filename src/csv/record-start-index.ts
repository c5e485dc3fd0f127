import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

// What csv-parse's `trim` skips at the start of a field (its `timchars`); a line holding only these is blank to it.
function isTrimmable(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0c || byte === CR || byte === LF;
}

/**
 * Finds the physical line where a csv-parse record starts, given the byte offset where the previous one ended.
 *
 * csv-parse cannot tell us: `info.lines` is the line where a record ends, and it counts a CRLF inside a quoted
 * field as two lines, so it drifts. What it does report exactly is `info.bytes`, the offset just past each
 * record's delimiter. The next record starts at the first byte after that offset which is not blank-line
 * whitespace; this stream, placed just before the parser, remembers the offset and line of the first such byte
 * on every line, and {@link lineAt} looks them up.
 *
 * Memory stays small: entries are dropped as soon as the parser has passed them, and the parser is never more
 * than the pipeline's buffers (plus one record of at most max_record_size) behind this stream. Blank lines add
 * no entries, so a long run of them costs nothing.
 */
export class RecordStartIndex extends Transform {
  private offsets: number[] = [];
  private lines: number[] = [];
  private head = 0;
  private offset = 0;
  private line = 1;
  private afterCR = false;
  private lineHasContent = false;
  private bomBytesSeen = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] ?? 0;
      if (byte === LF) {
        // LF, CRLF and a lone CR each end one line, like LineBreakCounter.
        if (!this.afterCR) this.line++;
        this.afterCR = false;
        this.lineHasContent = false;
      } else if (byte === CR) {
        this.line++;
        this.afterCR = true;
        this.lineHasContent = false;
      } else {
        this.afterCR = false;
        if (!this.lineHasContent && !isTrimmable(byte) && !this.isBomByte(this.offset + i, byte)) {
          this.offsets.push(this.offset + i);
          this.lines.push(this.line);
          this.lineHasContent = true;
        }
      }
    }
    this.offset += chunk.length;
    callback(null, chunk);
  }

  /**
   * Line of the first content byte at or after `offset`. Offsets must not decrease from call to call; entries
   * before `offset` are forgotten. Falls back to the current line when nothing has content yet.
   */
  lineAt(offset: number): number {
    while (this.head < this.offsets.length && (this.offsets[this.head] ?? 0) < offset) this.head++;
    const line = this.lines[this.head] ?? this.line;
    // Compact now and then instead of shifting on every call, which would be quadratic.
    if (this.head > 4096 && this.head * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
    return line;
  }

  // csv-parse (with `bom: true`) skips a UTF-8 BOM, so its bytes do not start the header.
  private isBomByte(offset: number, byte: number): boolean {
    if (offset !== this.bomBytesSeen || byte !== UTF8_BOM[offset]) return false;
    this.bomBytesSeen++;
    return true;
  }
}
