import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DEMO_DIRECTORY, seedDirectory } from '../../src/sim/index.js';
import { groupNameKey } from '../../src/sim/seed-directory.js';
import { simOptionsFromCommandLine } from '../../src/sim/sim-option-flags.js';

interface Row {
  email: string;
  groupName: string;
  note: string;
}

/** Ids held under each normalised key. */
function index<T>(items: Iterable<T>, key: (item: T) => string | undefined, id: (item: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out.set(k, [...(out.get(k) ?? []), id(item)]);
  }
  return out;
}

describe('examples/by-email.csv against the sim command\'s directory', () => {
  it('is what the sim command serves by default', () => {
    expect(simOptionsFromCommandLine({}, {})).toMatchObject(DEMO_DIRECTORY);
  });

  it('resolves every row whose note names no reason, and each other row falls into the reason its note names', () => {
    const rows = parse(readFileSync(new URL('../../examples/by-email.csv', import.meta.url)), { columns: true }) as Row[];
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeLessThanOrEqual(40);
    const directory = seedDirectory(DEMO_DIRECTORY);
    const emails = index(directory.users(), (u) => u.email?.toLowerCase(), (u) => u.id);
    const groups = index(directory.groups(), (g) => groupNameKey(g.name), (g) => g.id);
    const seen = new Set<string>();
    const outcomes = rows.map((row) => {
      const email = row.email.trim().toLowerCase();
      if (/\s/.test(email)) return 'invalid';
      const users = emails.get(email) ?? [];
      const ids = groups.get(groupNameKey(row.groupName)) ?? [];
      if (users.length !== 1) return users.length === 0 ? 'unknown-email' : 'ambiguous-email';
      if (ids.length !== 1) return ids.length === 0 ? 'unknown-group' : 'ambiguous-group-name';
      const pair = `${users[0] ?? ''}|${ids[0] ?? ''}`;
      if (seen.has(pair)) return 'duplicate';
      seen.add(pair);
      return 'resolved';
    });
    const declared = rows.map((row) => /^(invalid|unknown-email|ambiguous-email|unknown-group|ambiguous-group-name|duplicate)\b/.exec(row.note)?.[1] ?? 'resolved');
    expect(outcomes).toEqual(declared);
    // Every reason the importer must report is in the demo.
    expect(new Set(outcomes)).toEqual(
      new Set(['resolved', 'invalid', 'unknown-email', 'ambiguous-email', 'unknown-group', 'ambiguous-group-name', 'duplicate']),
    );
  });
});
