import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAssignments } from '../../src/csv/index.js';
import { fixture, readAll, readError, tempDir, type TempDir } from './csv-test-helpers.js';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.remove();
});

async function expectError(path: string, code: string, message: string | RegExp): Promise<void> {
  const err = await readError(path);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
  // One line, so logs and terminals show all of it.
  expect(err.message).not.toMatch(/[\r\n]/);
}

describe('readAssignments: header errors', () => {
  it('rejects an empty file', async () => {
    await expectError(fixture('empty.csv'), 'csv-header', /^empty\.csv: the file is empty; .*headers found: none$/);
  });

  it('rejects a file of blank lines as empty', async () => {
    await expectError(fixture('only-blank-lines.csv'), 'csv-header', /^only-blank-lines\.csv: the file is empty/);
  });

  it('names the missing group column and the headers found', async () => {
    await expectError(
      fixture('missing-group-column.csv'),
      'csv-header',
      /^missing-group-column\.csv line 1: no group column \(.*\); headers found: "accountUserId", "team", "comment"$/,
    );
  });

  it('names the missing account user column', async () => {
    await expectError(
      fixture('missing-account-user-column.csv'),
      'csv-header',
      /^missing-account-user-column\.csv line 1: no account user column .*headers found: "fullName", "groupId"$/,
    );
  });

  it('refuses two columns for the same role', async () => {
    await expectError(fixture('ambiguous-columns.csv'), 'csv-header', /two group columns, "group_id" and "Group ID"/);
  });
});

describe('readAssignments: structural damage', () => {
  it('names the line where an unclosed quote starts, not the end of the file', async () => {
    await expectError(
      fixture('unclosed-quote.csv'),
      'csv-structure',
      /^unclosed-quote\.csv line 7: unclosed quote; the record starting here never ends$/,
    );
  });

  it('names the record start for text after a closing quote, and for a quote inside an unquoted field', async () => {
    await expectError(fixture('invalid-quote.csv'), 'csv-structure', /^invalid-quote\.csv line 3: .*closing quote/);
    await expectError(fixture('quote-inside-field.csv'), 'csv-structure', /^quote-inside-field\.csv line 4: .*unquoted/);
  });

  it('names the line of the first byte that is not UTF-8', async () => {
    await expectError(
      fixture('not-utf8.csv'),
      'csv-structure',
      /^not-utf8\.csv line 4: not UTF-8 text \(invalid byte sequence at byte offset 140\); save the file as UTF-8$/,
    );
  });

  it('notices a file that ends inside a character', async () => {
    await expectError(fixture('truncated-utf8.csv'), 'csv-structure', /^truncated-utf8\.csv line 3: not UTF-8 text/);
  });

  it('says when a file looks like UTF-16', async () => {
    await expectError(fixture('utf16.csv'), 'csv-structure', /^utf16\.csv line 1: not UTF-8 text \(it looks like UTF-16\)/);
  });

  it.each(['utf16le-no-bom.csv', 'utf16be-no-bom.csv'])('says %s looks like UTF-16, instead of reading NUL-laced headers', async (name) => {
    await expectError(fixture(name), 'csv-structure', new RegExp(`^${name.replace(/\./g, '\\.')} line 1: not UTF-8 text \\(it looks like UTF-16\\); save the file as UTF-8$`));
  });

  it('reads a NUL inside an id as part of the id (the row is invalid), not as UTF-16', async () => {
    const rows = await readAll(fixture('nul-in-id.csv'));
    expect(rows.map((row) => [row.line, row.kind, 'reason' in row ? row.reason : ''])).toEqual([
      [2, 'valid', ''],
      [3, 'invalid', 'bad-account-user-id'],
      [4, 'invalid', 'bad-group-id'],
    ]);
    expect(rows[1]).toMatchObject({ accountUserId: 'AUSR-1000-\u00000000-0002', message: expect.stringContaining('\\u0000') as unknown });
  });

  it('rejects a record over 64 KiB, naming the line where it starts', async () => {
    const path = await tmp.file('huge-record.csv', `accountUserId,groupId\n\n"${'x'.repeat(70_000)}",UGR-0000-0001\n`);
    await expectError(path, 'csv-structure', /^huge-record\.csv line 3: the record starting here is longer than 64 KiB/);
    const fits = await tmp.file('big-record.csv', `accountUserId,groupId\n"${'x'.repeat(60_000)}",UGR-0000-0001\n`);
    expect(await readAll(fits)).toHaveLength(1);
  });

  it('reports an unclosed quote early in a long file at its start line, via the size limit', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `AUSR-0000-0000-${String(i).padStart(4, '0')},UGR-0000-0001`);
    const path = await tmp.file('early-unclosed.csv', ['accountUserId,groupId', 'x,"oops', ...rows, ''].join('\r\n'));
    await expectError(path, 'csv-structure', /^early-unclosed\.csv line 2: .*longer than 64 KiB; is a quote left open\?$/);
  });

  it('numbers the broken record right after CRLF line breaks inside quotes', async () => {
    const path = await tmp.file(
      'crlf-unclosed.csv',
      'accountUserId,groupId,note\r\na,b,"1\r\n2\r\n3"\r\n\r\na,b,"4\r\n5"\r\na,b,"never\r\nc,d\r\n',
    );
    await expectError(path, 'csv-structure', /^crlf-unclosed\.csv line 8: unclosed quote/);
  });

  it('rejects more than 1000 columns, in the header or in a row', async () => {
    const wide = (n: number, cell: string): string => Array.from({ length: n }, () => cell).join(',');
    const header = await tmp.file('wide-header.csv', `accountUserId,groupId,${wide(999, 'x')}\n`);
    await expectError(header, 'csv-structure', /^wide-header\.csv line 1: .* 1001 fields, more than the 1000 allowed$/);
    const row = await tmp.file('wide-row.csv', `accountUserId,groupId\nAUSR-0000-0000-0001,UGR-0000-0001\n\n${wide(1001, 'y')}\n`);
    await expectError(row, 'csv-structure', /^wide-row\.csv line 4: .* 1001 fields/);
    const widest = await tmp.file('widest-ok.csv', `accountUserId,groupId,${wide(998, 'x')}\n${wide(1000, 'y')}\n`);
    expect(await readAll(widest)).toMatchObject([{ kind: 'invalid', reason: 'bad-account-user-id' }]);
  });
});

describe('readAssignments: io', () => {
  it('reports a missing file', async () => {
    const path = `${tmp.dir}/nope.csv`;
    const err = await readError(path);
    expect(err.code).toBe('io');
    expect(err.message).toBe(`cannot read ${path}: no such file`);
  });

  it('reports a directory', async () => {
    const err = await readError(tmp.dir);
    expect(err.code).toBe('io');
    expect(err.message).toBe(`cannot read ${tmp.dir}: it is a directory`);
  });

  it('does nothing until iterated, and leaves no file open when the consumer stops early or the file is bad', async () => {
    const openFiles = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    const lines = ['accountUserId,groupId'];
    for (let i = 0; i < 50_000; i++) lines.push(`AUSR-0000-0000-${String(i % 10_000).padStart(4, '0')},UGR-0000-0001`);
    const path = await tmp.file('stop-early.csv', `${lines.join('\n')}\n`);
    const before = await openFiles();
    readAssignments(path); // never iterated: must not even open the file
    for await (const row of readAssignments(path)) {
      expect(row.line).toBe(2);
      break;
    }
    await expect(readAll(fixture('unclosed-quote.csv'))).rejects.toThrow('unclosed quote');
    await expect(readAll(fixture('not-utf8.csv'))).rejects.toThrow('not UTF-8');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openFiles()).toBe(before);
  });
});
