import { describe, expect, it } from 'vitest';
import type { RowResult } from '../../src/csv/index.js';
import { fixture, readAll } from './csv-test-helpers.js';

/** Rows as `line kind accountUserId groupId`, the shape most assertions here care about. */
async function summary(name: string): Promise<string[]> {
  return (await readAll(fixture(name))).map((row: RowResult) =>
    [row.line, row.kind, row.accountUserId, row.groupId].join(' '),
  );
}

describe('readAssignments: file formats', () => {
  it('reads UTF-8 with a BOM', async () => {
    expect(await summary('bom.csv')).toEqual([
      '2 valid AUSR-1000-0000-0001 UGR-1000-0001',
      '3 valid AUSR-1000-0000-0002 UGR-1000-0001',
    ]);
  });

  it('sniffs semicolons from the header even when data holds commas', async () => {
    expect(await summary('semicolon.csv')).toEqual([
      '2 valid AUSR-1100-0000-0001 UGR-1100-0001',
      '3 valid AUSR-1100-0000-0002 UGR-1100-0001',
    ]);
  });

  it('sniffs tabs', async () => {
    expect(await summary('tab.csv')).toEqual([
      '2 valid AUSR-1200-0000-0001 UGR-1200-0001',
      '3 valid AUSR-1200-0000-0002 UGR-1200-0002',
    ]);
  });

  it('reads CRLF line endings, counting a blank line', async () => {
    expect(await summary('crlf.csv')).toEqual([
      '2 valid AUSR-1300-0000-0001 UGR-1300-0001',
      '4 valid AUSR-1300-0000-0002 UGR-1300-0001',
      '5 valid AUSR-1300-0000-0003 UGR-1300-0001',
    ]);
  });

  it('reads CR-only (classic Mac) line endings', async () => {
    expect(await summary('mac-cr.csv')).toEqual([
      '2 valid AUSR-3000-0000-0001 UGR-3000-0001',
      '4 valid AUSR-3000-0000-0002 UGR-3000-0001',
    ]);
  });

  it('numbers lines right when LF and CRLF are mixed', async () => {
    expect(await summary('mixed-line-endings.csv')).toEqual([
      '2 valid AUSR-3100-0000-0001 UGR-3100-0001',
      '3 valid AUSR-3100-0000-0002 UGR-3100-0001',
      '5 valid AUSR-3100-0000-0003 UGR-3100-0001',
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, giving the line a record starts on', async () => {
    expect(await summary('quoted.csv')).toEqual([
      '2 valid AUSR-1400-0000-0001 UGR-1400-0001',
      '3 valid AUSR-1400-0000-0002 UGR-1400-0001',
      '4 valid AUSR-1400-0000-0003 UGR-1400-0001',
      '6 valid AUSR-1400-0000-0004 UGR-1400-0001',
    ]);
  });

  it('counts a CRLF inside a quoted field as one line (csv-parse info.lines counts it twice)', async () => {
    expect(await summary('crlf-quoted-newlines.csv')).toEqual([
      '2 valid AUSR-1500-0000-0001 UGR-1500-0001',
      '5 valid AUSR-1500-0000-0002 UGR-1500-0001',
      '7 valid AUSR-1500-0000-0003 UGR-1500-0001',
      '9 valid AUSR-1500-0000-0004 UGR-1500-0001',
    ]);
  });

  it('skips blank lines, whitespace-only lines and records of empty fields, but counts their lines', async () => {
    expect(await summary('blank-lines.csv')).toEqual([
      '4 valid AUSR-1600-0000-0001 UGR-1600-0001',
      '9 valid AUSR-1600-0000-0002 UGR-1600-0001',
    ]);
  });

  it('skips the `;;` rows Excel writes for cleared rows', async () => {
    expect(await summary('excel-empty-rows.csv')).toEqual([
      '2 valid AUSR-1700-0000-0001 UGR-1700-0001',
      '5 valid AUSR-1700-0000-0002 UGR-1700-0001',
    ]);
  });

  it('trims whitespace around fields and header names', async () => {
    expect(await summary('whitespace.csv')).toEqual([
      '2 valid AUSR-2900-0000-0001 UGR-2900-0001',
      '3 valid AUSR-2900-0000-0002 UGR-2900-0001',
    ]);
  });

  it('finds the columns under their aliases, ignoring the others', async () => {
    expect(await summary('header-aliases.csv')).toEqual([
      '2 valid AUSR-2300-0000-0001 UGR-2300-0001',
      '3 valid AUSR-2300-0000-0002 UGR-2300-0002',
    ]);
  });

  it('yields nothing for a header without rows', async () => {
    expect(await readAll(fixture('header-only.csv'))).toEqual([]);
  });
});
