const CR = 0x0d;
const LF = 0x0a;

/**
 * Counts line breaks the way the reader numbers lines: LF, CRLF and a lone CR each end one line, so a CRLF split
 * across two chunks still counts once. Editors and csv-parse's own record-delimiter discovery accept the same three.
 */
export class LineBreakCounter {
  /** Line breaks seen so far. */
  count = 0;
  private afterCR = false;

  /** Feeds the next `end` bytes of the stream. */
  feed(bytes: Uint8Array, end = bytes.length): void {
    let count = this.count;
    let afterCR = this.afterCR;
    for (let i = 0; i < end; i++) {
      const byte = bytes[i];
      if (byte === CR) {
        count++;
        afterCR = true;
      } else {
        if (byte === LF && !afterCR) count++;
        afterCR = false;
      }
    }
    this.count = count;
    this.afterCR = afterCR;
  }
}
