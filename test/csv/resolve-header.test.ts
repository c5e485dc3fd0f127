import { describe, expect, it } from 'vitest';
import { normalizeHeaderName, resolveHeader } from '../../src/csv/resolve-header.js';
import { AppError } from '../../src/errors.js';

const header = (...fields: string[]) => ({ fields, line: 1 });

function headerError(fields: string[]): AppError {
  try {
    resolveHeader(header(...fields), 'assignments.csv');
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('resolveHeader', () => {
  it.each(['accountUserId', 'account_user_id', 'Account User ID', 'ACCOUNT-USER-ID', 'userId', 'user', 'User'])(
    'accepts %j for the account user',
    (name) => {
      expect(resolveHeader(header('x', name, 'groupId'), 'a.csv')).toEqual({
        accountUserId: 1,
        groupId: 2,
        fieldCount: 3,
      });
    },
  );

  it.each(['groupId', 'group_id', 'Group ID', 'group', 'GROUP'])('accepts %j for the group', (name) => {
    expect(resolveHeader(header(name, 'accountUserId'), 'a.csv')).toMatchObject({ accountUserId: 1, groupId: 0 });
  });

  it('ignores other columns, as in a failures report', () => {
    const failures = 'line,accountUserId,groupId,outcome,reason,httpStatus,attempts,message'.split(',');
    expect(resolveHeader(header(...failures), 'failures.csv')).toEqual({ accountUserId: 1, groupId: 2, fieldCount: 8 });
  });

  it('prefers the most specific name when several match', () => {
    expect(resolveHeader(header('user', 'accountUserId', 'group', 'groupId'), 'a.csv')).toMatchObject({
      accountUserId: 1,
      groupId: 3,
    });
  });

  it('names the missing column and the headers found', () => {
    const err = headerError(['accountUserId', 'team']);
    expect(err.code).toBe('csv-header');
    expect(err.message).toMatch(/^assignments\.csv line 1: no group column \(groupId, group_id, Group ID or group; or groupName, group name/);
    expect(err.message).toContain('headers found: "accountUserId", "team"');
    expect(err.message).not.toContain('account user column');
  });

  it('names both columns when both are missing', () => {
    const err = headerError(['a', 'b']);
    expect(err.message).toContain('no account user column');
    expect(err.message).toContain('and no group column');
  });

  it('refuses two columns with the same role', () => {
    const err = headerError(['accountUserId', 'group_id', 'Group ID']);
    expect(err.code).toBe('csv-header');
    expect(err.message).toContain('two group columns, "group_id" and "Group ID"');
  });

  it('keeps the message short for a very wide header', () => {
    const err = headerError(Array.from({ length: 500 }, (_, i) => `column ${i} ${'x'.repeat(100)}`));
    expect(err.message).toContain('and 480 more');
    expect(err.message.length).toBeLessThan(1500);
  });

  it('normalises case, spaces, underscores and dashes only', () => {
    expect(normalizeHeaderName(' Account_User-ID ')).toBe('accountuserid');
    expect(normalizeHeaderName('group.id')).toBe('group.id');
  });
});
