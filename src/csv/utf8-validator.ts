import { Transform, type TransformCallback } from 'node:stream';
import { LineBreakCounter } from './line-break-counter.js';

/** The stream is not UTF-8; `line` and `offset` locate the first byte of the first invalid sequence. */
export class InvalidUtf8Error extends Error {
  constructor(
    readonly line: number,
    readonly offset: number,
    /**
     * The file starts with a UTF-16 byte-order mark (the usual cause: "Unicode text" from Excel), or without one
     * looks like UTF-16 (see {@link looksLikeUtf16WithoutBom}).
     */
    readonly looksLikeUtf16: boolean,
  ) {
    super(`not UTF-8 text: invalid byte sequence at byte offset ${offset} (line ${line})`);
    this.name = 'InvalidUtf8Error';
  }
}

/**
 * Passes bytes through unchanged and fails with {@link InvalidUtf8Error} at the first invalid UTF-8 sequence.
 * csv-parse would otherwise turn bad bytes into U+FFFD without a word, and a mangled id could reach the API.
 * The native streaming decoder does the checking; the slow search for the exact position runs only on failure.
 */
export class Utf8Validator extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lines = new LineBreakCounter();
  /** Absolute offset of the next chunk's first byte. */
  private offset = 0;
  /** The incomplete sequence at the end of the chunks so far, which the decoder holds until more bytes arrive. */
  private pending: Uint8Array = new Uint8Array(0);
  private startsWithUtf16Bom = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.offset === 0) {
      this.startsWithUtf16Bom = hasUtf16Bom(chunk);
      // UTF-16 of ASCII text is valid UTF-8 (every other byte NUL): without this the header would read "a\u0000c…".
      if (looksLikeUtf16WithoutBom(chunk)) {
        callback(new InvalidUtf8Error(1, 0, true));
        return;
      }
    }
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      callback(this.errorIn(chunk));
      return;
    }
    this.lines.feed(chunk);
    this.pending = incompleteTail(lastBytes(this.pending, chunk));
    this.offset += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.decode();
    } catch {
      // The file ends in the middle of a multi-byte character.
      callback(this.error(this.offset - this.pending.length));
      return;
    }
    callback();
  }

  private errorIn(chunk: Buffer): InvalidUtf8Error {
    const data = Buffer.concat([this.pending, chunk]);
    const detectedAt = firstFailingByte(data);
    // The decoder notices a bad continuation byte only when it arrives; the sequence began at its lead byte.
    const start = detectedAt - incompleteTail(data.subarray(0, detectedAt)).length;
    const inChunk = start - this.pending.length;
    // Bytes of a multi-byte sequence are never CR or LF, so counting up to the sequence start is exact.
    if (inChunk > 0) this.lines.feed(chunk, inChunk);
    return this.error(this.offset + inChunk);
  }

  private error(offset: number): InvalidUtf8Error {
    return new InvalidUtf8Error(this.lines.count + 1, offset, this.startsWithUtf16Bom);
  }
}

/** How many leading bytes the UTF-16 guess looks at: a header line or two. */
const UTF16_SNIFF_BYTES = 1024;

/**
 * True when the start of a file (without a BOM) reads as UTF-16: NUL in at least 40% of the high bytes of its
 * 16-bit units and in at most 10% of the low bytes, for either byte order. Text in a Latin script is nearly all
 * NUL high bytes; a UTF-8 CSV has no NUL at all, and a binary file of zeros has them in both halves.
 */
export function looksLikeUtf16WithoutBom(start: Uint8Array): boolean {
  const length = Math.min(start.length, UTF16_SNIFF_BYTES) & ~1;
  const units = length / 2;
  if (units < 2) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < length; i += 2) {
    if (start[i] === 0) evenNul++;
    if (start[i + 1] === 0) oddNul++;
  }
  const mostly = (n: number) => n >= units * 0.4;
  const rarely = (n: number) => n <= units * 0.1;
  return (mostly(oddNul) && rarely(evenNul)) || (mostly(evenNul) && rarely(oddNul));
}

function hasUtf16Bom(chunk: Uint8Array): boolean {
  return (chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff);
}

/** Index of the byte at which a fresh decoder first fails on `data`; binary search, as failing is monotonic. */
function firstFailingByte(data: Uint8Array): number {
  let low = 0; // decoding data[0, low) succeeds
  let high = data.length; // decoding data[0, high) fails
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (decodes(data.subarray(0, middle))) low = middle;
    else high = middle;
  }
  return high - 1;
}

function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The last three bytes of `before` followed by `chunk`: enough to hold any incomplete UTF-8 sequence. */
function lastBytes(before: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length >= 3) return chunk.subarray(chunk.length - 3);
  return Buffer.concat([before, chunk]).subarray(-3);
}

/**
 * The trailing bytes of `bytes` that start a multi-byte sequence without finishing it. Only meaningful for bytes
 * that decode without error in streaming mode, so every lead byte found here is a valid one.
 */
function incompleteTail(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: the lead is further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return Uint8Array.from(bytes.subarray(bytes.length - (needed > back ? back : 0)));
  }
  return new Uint8Array(0);
}
