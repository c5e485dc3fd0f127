import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emailKey, groupNameKey, namesUsed, type LookupResult, type NameLookup } from '../../src/csv/index.js';
import { resolveHeader } from '../../src/csv/resolve-header.js';
import { readAll, tempDir, type TempDir } from './csv-test-helpers.js';

const header = (...fields: string[]) => ({ fields, line: 1 });

// A directory as plain maps: the csv layer's rules are about what a lookup answers, not about how it was read (the
// lookups read over real sockets are proved in test/s1/read-directory.test.ts).
function lookup(users: Record<string, string | string[]>, groups: Record<string, string | string[]>): NameLookup {
  const find = (map: Record<string, string | string[]>, key: string): LookupResult => {
    const held = map[key];
    if (held === undefined) return { kind: 'unknown' };
    return Array.isArray(held) ? { kind: 'ambiguous' } : { kind: 'found', id: held };
  };
  return {
    accountUserByEmail: (email) => find(users, emailKey(email)),
    groupByName: (name) => find(groups, groupNameKey(name)),
  };
}

const names = lookup(
  { 'jane@acme.example': 'AUSR-1000-0000-0001', 'shared@acme.example': ['AUSR-1000-0000-0002', 'AUSR-1000-0000-0003'] },
  { finance: 'UGR-1000-0001', 'product management': 'UGR-1000-0002', sales: ['UGR-1000-0003', 'UGR-1000-0004'] },
);

let t: TempDir;
beforeEach(async () => {
  t = await tempDir();
});
afterEach(() => t.remove());

describe('name column headers', () => {
  it.each(['email', 'e-mail', 'E-Mail', 'mail', 'userEmail', 'userPrincipalName', 'upn', 'login'])('accepts %j for the e-mail', (name) => {
    expect(resolveHeader(header('note', name, 'groupId'), 'a.csv')).toMatchObject({ email: 1, groupId: 2 });
  });

  it.each(['groupName', 'group name', 'Group_Name', 'userGroupName', 'userGroup'])('accepts %j for the group name', (name) => {
    expect(resolveHeader(header('accountUserId', name), 'a.csv')).toMatchObject({ accountUserId: 0, groupName: 1 });
  });

  it('takes a file with only name columns, and one with ids and names side by side', () => {
    expect(resolveHeader(header('email', 'groupName'), 'a.csv')).toMatchObject({ email: 0, groupName: 1, accountUserId: undefined, groupId: undefined });
    expect(resolveHeader(header('accountUserId', 'groupId', 'email', 'group name'), 'a.csv')).toMatchObject({ accountUserId: 0, groupId: 1, email: 2, groupName: 3 });
  });
});

describe('rows named by e-mail and group name', () => {
  it('resolves case-insensitively after trimming, group names with inner whitespace collapsed', async () => {
    const file = await t.file('resolves.csv', 'email,groupName\n JANE@Acme.Example ,  Product   MANAGEMENT \n');
    expect(await readAll(file, { names })).toEqual([{ kind: 'valid', line: 2, accountUserId: 'AUSR-1000-0000-0001', groupId: 'UGR-1000-0002' }]);
  });

  it('gives each unresolved row its named reason, and a bad cell a reason instead of a crash', async () => {
    const rows = [
      'nobody@acme.example,Finance',
      'shared@acme.example,Finance',
      'jane@acme.example,No Such Group',
      'jane@acme.example,sales',
      'jane doe@acme.example,Finance',
      'not-an-address,Finance',
      'jane@acme.example,',
      ',Finance',
    ];
    const file = await t.file('reasons.csv', `email,groupName\n${rows.join('\n')}\n`);
    const got = (await readAll(file, { names })).map((r) => (r.kind === 'invalid' ? r.reason : r.kind));
    expect(got).toEqual(['unknown-email', 'ambiguous-email', 'unknown-group', 'ambiguous-group-name', 'bad-email', 'bad-email', 'missing-group', 'missing-account-user']);
  });

  it('uses the id when filled, the name otherwise, and calls a row whose id and name disagree id-name-mismatch', async () => {
    const file = await t.file(
      'id-and-name.csv',
      [
        'accountUserId,groupId,email,groupName',
        'AUSR-1000-0000-0001,UGR-1000-0001,jane@acme.example,finance',
        'AUSR-1000-0000-0009,,,Finance',
        ',UGR-1000-0009,jane@acme.example,',
        'AUSR-1000-0000-0009,,jane@acme.example,Finance',
        ',UGR-1000-0009,jane@acme.example,Finance',
      ].join('\n') + '\n',
    );
    const got = await readAll(file, { names });
    expect(got.slice(0, 3)).toEqual([
      { kind: 'valid', line: 2, accountUserId: 'AUSR-1000-0000-0001', groupId: 'UGR-1000-0001' },
      { kind: 'valid', line: 3, accountUserId: 'AUSR-1000-0000-0009', groupId: 'UGR-1000-0001' },
      { kind: 'valid', line: 4, accountUserId: 'AUSR-1000-0000-0001', groupId: 'UGR-1000-0009' },
    ]);
    expect(got.slice(3).map((r) => r.kind === 'invalid' && r.reason)).toEqual(['id-name-mismatch', 'id-name-mismatch']);
  });

  it('finds duplicates among resolved ids, whichever way a row named them', async () => {
    const file = await t.file('dup-by-name.csv', 'accountUserId,groupId,email,groupName\nAUSR-1000-0000-0001,UGR-1000-0001,,\n,,jane@acme.example,Finance\n');
    const got = await readAll(file, { names });
    expect(got[1]).toMatchObject({ kind: 'duplicate', line: 3, firstLine: 2 });
  });

  it('without a lookup, a row that needs a name is invalid (unresolved-name), never sent', async () => {
    const file = await t.file('no-lookup.csv', 'email,groupId\njane@acme.example,UGR-1000-0001\n');
    expect(await readAll(file)).toMatchObject([{ kind: 'invalid', reason: 'unresolved-name' }]);
  });
});

describe('namesUsed', () => {
  it('says which name columns a file fills, so only those lists are read', async () => {
    expect(await namesUsed(await t.file('ids.csv', 'accountUserId,groupId\nAUSR-1000-0000-0001,UGR-1000-0001\n'))).toEqual({ emails: false, groupNames: false });
    expect(await namesUsed(await t.file('empty-email.csv', 'accountUserId,groupId,email\nAUSR-1000-0000-0001,UGR-1000-0001,\n'))).toEqual({ emails: false, groupNames: false });
    expect(await namesUsed(await t.file('groups.csv', 'accountUserId,groupName\nAUSR-1000-0000-0001,Finance\n'))).toEqual({ emails: false, groupNames: true });
    expect(await namesUsed(await t.file('both.csv', 'email,groupName\njane@acme.example,\n,Finance\n'))).toEqual({ emails: true, groupNames: true });
  });
});
