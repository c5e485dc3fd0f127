import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { RecordStartIndex } from '../../src/csv/record-start-index.js';

async function indexOf(chunks: string[] | Buffer[]): Promise<RecordStartIndex> {
  const index = new RecordStartIndex();
  await pipeline(
    Readable.from(chunks.map((chunk) => Buffer.from(chunk))),
    index,
    new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  );
  return index;
}

describe('RecordStartIndex', () => {
  it('gives the line of the first content byte at or after an offset, skipping blank lines', async () => {
    const text = 'a,b\n\n  \t\nc,d\r\n\r\n"e\r\nf"\rg\n';
    const index = await indexOf([text]);
    expect(index.lineAt(0)).toBe(1);
    expect(index.lineAt(text.indexOf('c'))).toBe(4);
    expect(index.lineAt(text.indexOf('\n', text.indexOf('c')) + 1)).toBe(6);
    expect(index.lineAt(text.indexOf('f'))).toBe(7);
    expect(index.lineAt(text.indexOf('g'))).toBe(8);
  });

  it('counts a CRLF split across chunks once, and skips a BOM', async () => {
    const index = await indexOf([Buffer.from([0xef, 0xbb]), Buffer.from([0xbf, 0x0a, 0x61, 0x0d]), Buffer.from('\nb')]);
    expect(index.lineAt(0)).toBe(2);
    expect(index.lineAt(5)).toBe(3);
  });

  it('forgets entries it has passed, so a long file does not pile them up', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `row${i}\n`);
    const index = await indexOf([lines.join('')]);
    const found: number[] = [];
    let offset = 0;
    for (const line of lines) {
      found.push(index.lineAt(offset));
      offset += line.length;
    }
    expect(found).toEqual(lines.map((_, i) => i + 1));
    // Compaction keeps the backing arrays at most twice the live entries plus the threshold.
    const internals = index as unknown as { offsets: number[] };
    expect(internals.offsets.length).toBeLessThan(10_000);
  });
});
