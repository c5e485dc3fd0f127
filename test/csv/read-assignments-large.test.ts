import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAssignments } from '../../src/csv/index.js';
import { AppError } from '../../src/errors.js';
import { groupId, tempDir, userId, type TempDir } from './csv-test-helpers.js';

const ROWS = 200_000;
let tmp: TempDir;
let path: string;

/**
 * 200,000 data rows: every 1000th row has a bad group id, every 500th repeats the row 100 lines earlier, and every
 * 10,000th carries a note spanning two lines (CRLF inside quotes), so the final line number checks the counting.
 */
beforeAll(async () => {
  tmp = await tempDir();
  path = `${tmp.dir}/large.csv`;
  const out = createWriteStream(path);
  out.write('accountUserId;groupId;note\r\n');
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    const note = i % 10_000 === 0 ? '"first\r\nsecond"' : 'ok';
    const n = i % 500 === 0 ? i - 100 : i;
    const group = i % 1000 === 0 ? 'UGR-bad' : groupId(n % 50);
    chunk += `${userId(n)};${group};${note}\r\n`;
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
});

afterAll(async () => {
  await tmp.remove();
});

describe('readAssignments: a large file', () => {
  it('reads 200,000 rows with the right counts and line numbers', async () => {
    const started = performance.now();
    const counts = { valid: 0, invalid: 0, duplicate: 0 };
    let lastLine = 0;
    let rows = 0;
    let inOrder = true;
    for await (const row of readAssignments(path)) {
      counts[row.kind]++;
      inOrder &&= row.line > lastLine;
      lastLine = row.line;
      rows++;
    }
    expect(inOrder).toBe(true);
    const seconds = (performance.now() - started) / 1000;
    expect(rows).toBe(ROWS);
    // Rows 1000, 2000, ...: the bad group wins over the repeat (invalid rows are never duplicates).
    expect(counts.invalid).toBe(ROWS / 1000);
    expect(counts.duplicate).toBe(ROWS / 500 - ROWS / 1000);
    expect(counts.valid).toBe(ROWS - counts.invalid - counts.duplicate);
    // Header, then one line per row plus one extra for each two-line note before the last row.
    expect(lastLine).toBe(1 + ROWS + (ROWS / 10_000 - 1));
    expect(seconds).toBeLessThan(20);
  });

  it('streams: rows come out before a fault at the end of the file is read', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `${userId(i)},${groupId(1)}`);
    const text = Buffer.from(`accountUserId,groupId\n${rows.join('\n')}\n`);
    const path = await tmp.file('late-fault.csv', Buffer.concat([text, Buffer.from([0xff])]));
    let yielded = 0;
    let error: unknown;
    try {
      for await (const _row of readAssignments(path)) yielded++;
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/^late-fault\.csv line 50002: not UTF-8 text/);
    // Checking the whole file before parsing would fail before the first row. The rows parsed from the last chunk
    // or two are still buffered when the fault arrives, and the stream iterator drops them.
    expect(yielded).toBeGreaterThan(40_000);
  });
});
