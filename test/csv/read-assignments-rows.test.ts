import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { defuseCell, type RowResult } from '../../src/csv/index.js';
import { fixture, readAll, tempDir } from './csv-test-helpers.js';

const byLine = (rows: RowResult[]): Map<number, RowResult> => new Map(rows.map((row) => [row.line, row]));

describe('readAssignments: row verdicts', () => {
  it('marks rows whose field count differs from the header', async () => {
    const rows = await readAll(fixture('ragged.csv'));
    expect(rows.map((row) => [row.line, row.kind, 'reason' in row ? row.reason : ''])).toEqual([
      [2, 'valid', ''],
      [3, 'invalid', 'field-count'],
      [4, 'invalid', 'field-count'],
      [5, 'invalid', 'field-count'],
      [6, 'valid', ''],
    ]);
    expect(rows[1]).toMatchObject({
      accountUserId: 'AUSR-1800-0000-0002',
      groupId: '',
      message: 'the row has 1 fields but the header has 2',
    });
    expect(rows[2]).toMatchObject({ message: 'the row has 3 fields but the header has 2' });
  });

  it('marks repeats of an earlier valid pair as duplicates of its line', async () => {
    const rows = await readAll(fixture('duplicates.csv'));
    expect(rows.map((row) => `${row.line} ${row.kind}${row.kind === 'duplicate' ? ` ${row.firstLine}` : ''}`)).toEqual([
      '2 valid',
      '3 valid',
      '4 valid',
      '5 duplicate 2',
      '6 invalid',
      '7 valid',
      '8 duplicate 2',
      '9 duplicate 7',
    ]);
    expect(byLine(rows).get(5)).toEqual({
      kind: 'duplicate',
      line: 5,
      accountUserId: 'AUSR-2500-0000-0001',
      groupId: 'UGR-2500-0001',
      firstLine: 2,
      reason: 'duplicate-of-line-2',
      message: 'the same account user and group as line 2',
    });
  });

  it('checks ids against the documented shapes, saying what is wrong', async () => {
    const rows = await readAll(fixture('invalid-ids.csv'));
    expect(rows.map((row) => [row.line, 'reason' in row ? row.reason : row.kind])).toEqual([
      [2, 'missing-account-user'],
      [3, 'missing-group'],
      [4, 'bad-account-user-id'],
      [5, 'bad-account-user-id'],
      [6, 'bad-account-user-id'],
      [7, 'bad-group-id'],
      [8, 'bad-group-id'],
      [9, 'bad-account-user-id'],
      [10, 'bad-account-user-id'],
      [11, 'bad-account-user-id'],
      [13, 'valid'],
    ]);
    const lines = byLine(rows);
    expect(lines.get(2)).toMatchObject({ kind: 'invalid', message: 'the account user id is empty' });
    expect(lines.get(3)).toMatchObject({ kind: 'invalid', message: 'the group id is empty' });
    expect(lines.get(4)).toMatchObject({
      accountUserId: 'ausr-2600-0000-0001',
      message: 'account user id "ausr-2600-0000-0001" does not have the shape AUSR-dddd-dddd-dddd',
    });
    expect(lines.get(7)).toMatchObject({ message: 'group id "UGR-26000-0001" does not have the shape UGR-dddd-dddd' });
    // Quoted whitespace is data, and the message shows control characters escaped.
    expect(lines.get(10)).toMatchObject({ accountUserId: ' AUSR-2600-0000-0001' });
    expect(lines.get(11)).toMatchObject({ accountUserId: 'AUSR-2600-0000-0001\n' });
    expect((lines.get(11) as { message: string }).message).toContain('"AUSR-2600-0000-0001\\n"');
  });

  it.each([false, true])('refuses path-traversal ids (looseIds: %s)', async (looseIds) => {
    const rows = await readAll(fixture('path-traversal-ids.csv'), { looseIds });
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.kind, `line ${row.line}`).toBe('invalid');
    const reasons = rows.map((row) => ('reason' in row ? row.reason : ''));
    expect(reasons.filter((reason) => reason === 'bad-group-id')).toHaveLength(2);
    if (looseIds) {
      const messages = byLine(rows);
      expect(messages.get(2)).toMatchObject({ message: 'account user id "../../admin" contains the forbidden character "/"' });
      expect(messages.get(4)).toMatchObject({ message: 'account user id ".." is a path segment, not an id' });
      expect(messages.get(6)).toMatchObject({ message: expect.stringContaining('"%"') as unknown });
    }
  });

  it('accepts other id shapes only with looseIds', async () => {
    const strict = await readAll(fixture('loose-ids.csv'));
    expect(strict.every((row) => row.kind === 'invalid')).toBe(true);
    const loose = await readAll(fixture('loose-ids.csv'), { looseIds: true });
    expect(loose.map((row) => [row.line, 'reason' in row ? row.reason : row.kind])).toEqual([
      [2, 'valid'],
      [3, 'valid'],
      [4, 'valid'],
      [5, 'bad-account-user-id'],
      [6, 'bad-account-user-id'],
      [7, 'valid'],
    ]);
    expect(byLine(loose).get(5)).toMatchObject({ message: expect.stringContaining('longer than 64 characters') as unknown });
  });

  it('undefuses cells of a failures report before checking them', async () => {
    const rows = await readAll(fixture('defused-failures.csv'), { looseIds: true });
    expect(rows.map((row) => [row.line, row.kind, row.accountUserId, row.groupId])).toEqual([
      [2, 'valid', 'AUSR-2800-0000-0001', 'UGR-2800-0001'],
      [3, 'valid', '-dash-user', 'UGR-2800-0001'],
      [4, 'valid', '@handle', '+team'],
      [5, 'valid', '=1+1', 'UGR-2800-0001'],
      [6, 'valid', "'=quoted", 'UGR-2800-0001'],
      [7, 'valid', "'plain", 'UGR-2800-0001'],
    ]);
    const strict = await readAll(fixture('defused-failures.csv'));
    expect(strict.map((row) => row.kind)).toEqual(['valid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
    expect(strict[1]).toMatchObject({ accountUserId: '-dash-user', reason: 'bad-account-user-id' });
  });

  it('re-imports exactly the ids a report wrote with defuseCell and csv-stringify', async () => {
    const ids = ['=cmd', '+1', '-x', '@y', "'=z", "''+w", '\tt', '\rr', "'plain", 'a,b', 'say "hi"', 'two\nlines'];
    const tmp = await tempDir();
    try {
      const records = [['line', 'accountUserId', 'groupId', 'message']];
      for (const [i, id] of ids.entries()) records.push([String(i), defuseCell(id), defuseCell(`g${id}`), defuseCell(id)]);
      const path = await tmp.file('failures.csv', stringify(records));
      const rows = await readAll(path, { looseIds: true });
      expect(rows.map((row) => row.accountUserId)).toEqual(ids);
      expect(rows.map((row) => row.groupId)).toEqual(ids.map((id) => `g${id}`));
    } finally {
      await tmp.remove();
    }
  });
});
