import { describe, expect, it } from 'vitest';
import { seedDirectory } from '../../src/sim/index.js';
import { groupNameKey } from '../../src/sim/seed-directory.js';

/** Keys held by more than one item, as a resolver that normalises would find them. */
function ambiguous<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) byKey.set(k, [...(byKey.get(k) ?? []), item]);
  }
  return new Map([...byKey].filter(([, held]) => held.length > 1));
}

describe('seeded directory', () => {
  const options = { directoryUsers: 5_000, directoryGroups: 200, sharedEmails: 4, missingEmails: 5, duplicateGroupNames: 3 };
  const directory = seedDirectory(options);

  it('is the same for the same options, and its facts are what a normalising reader finds', () => {
    expect(seedDirectory(options).facts()).toEqual(directory.facts());
    const users = [...directory.users()];
    const shared = ambiguous(users, (u) => u.email?.toLowerCase());
    const facts = directory.facts();
    expect(facts.sharedEmails).toEqual(
      [...shared].map(([email, held]) => ({ email, accountUserIds: held.map((u) => u.id) })),
    );
    expect(facts.usersWithoutEmail).toEqual(users.filter((u) => u.email === undefined).map((u) => u.id));
    expect(facts.uniqueEmailUsers).toBe(5_000 - 5 - 2 * 4);
    const duplicates = ambiguous(directory.groups(), (g) => groupNameKey(g.name));
    expect(facts.duplicateGroupNames).toEqual(
      [...duplicates].map(([name, held]) => ({ name, groupIds: held.map((g) => g.id) })),
    );
    expect(facts.uniqueNameGroups).toBe(200 - 2 * 3);
    expect(users.some((u) => u.email?.toLowerCase() === facts.unknownEmail)).toBe(false);
    expect([...directory.groups()].some((g) => groupNameKey(g.name) === groupNameKey(facts.unknownGroupName))).toBe(false);
  });

  it('writes some e-mails and names oddly, and ambiguity shows only when case and spacing are ignored', () => {
    const emails = [...directory.users()].flatMap((u) => (u.email === undefined ? [] : [u.email]));
    expect(emails.some((e) => e !== e.toLowerCase())).toBe(true);
    // One shared address is written in two cases: exact comparison would miss it.
    expect(new Set(emails).size).toBeGreaterThan(new Set(emails.map((e) => e.toLowerCase())).size + 1);
    const names = [...directory.groups()].map((g) => g.name);
    expect(names.some((n) => n !== n.trim() && /\S {2,}\S/.test(n))).toBe(true);
    expect(names.some((n) => n === n.toUpperCase())).toBe(true);
    expect(directory.group(0).isDefault).toBe(true);
  });

  it('maps ids to indexes and back, never using the 404 block 9999, and knows no other id', () => {
    const big = seedDirectory({ directoryUsers: 100_000 });
    for (const i of [0, 9_998, 9_999, 10_000, 99_999]) {
      const id = big.userId(i);
      expect(id).toMatch(/^AUSR-5000-\d{4}-\d{4}$/);
      expect(id.endsWith('-9999')).toBe(false);
      expect(big.userIndex(id)).toBe(i);
    }
    expect(big.userIndex(big.userId(100_000))).toBe(-1);
    expect(big.userIndex('AUSR-5000-0000-9999')).toBe(-1);
    expect(directory.groupIndex('UGR-6000-0199')).toBe(199);
    expect(directory.groupIndex('UGR-6000-0200')).toBe(-1);
    expect(directory.groupIndex('UGR-1234-5678')).toBe(-1);
  });

  it('is empty by default, so a plain simulator lists only the users it has seen', () => {
    expect(seedDirectory().facts()).toMatchObject({ users: 0, groups: 0, sharedEmails: [], usersWithoutEmail: [] });
  });
});
