import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDirectory, type SimOptions } from '../../src/sim/index.js';
import { groupNameKey } from '../../src/sim/seed-directory.js';
import { groupIds, problem, startHarness, type Harness } from './sim-harness.js';

interface Page<T> {
  $meta: { pagination: { offset: number; limit: number; total: number } };
  data: T[];
}
interface ListedUser {
  id: string;
  user: { id: string; name: string; email?: string };
  groups: Array<{ id: string; name: string }>;
}
interface ListedGroup {
  id: string;
  name: string;
  description: string;
  logo: string;
  isDefault: boolean;
  account: { id: string };
  modules: unknown[];
}

const USERS = '/public/v1/accounts/account-users';
const GROUPS = '/public/v1/accounts/user-groups';
const options: Partial<SimOptions> = { directoryUsers: 250, directoryGroups: 45, sharedEmails: 3, duplicateGroupNames: 2 };

describe('simulator directory: the two list calls', () => {
  let h: Harness;
  const directory = seedDirectory(options);
  const facts = directory.facts();

  async function all<T>(path: string, limit: number): Promise<{ items: T[]; pages: Array<Page<T>> }> {
    const pages: Array<Page<T>> = [];
    for (let offset = 0; ; offset += limit) {
      const r = await h.call('GET', `${path}?offset=${offset}&limit=${limit}`);
      expect(r.status).toBe(200);
      const page = r.json as Page<T>;
      pages.push(page);
      if (page.data.length === 0) break;
    }
    return { items: pages.flatMap((p) => p.data), pages };
  }

  beforeAll(async () => {
    h = await startHarness({ ...options, forbiddenTokens: ['read-only'] });
  });
  beforeEach(() => {
    h.sim.reset();
  });
  afterAll(async () => {
    await h.close();
  });

  it('pages the directory users with the S1 envelope, each once, in id order', async () => {
    const { items, pages } = await all<ListedUser>(USERS, 100);
    expect(pages.map((p) => p.$meta.pagination)).toEqual([
      { offset: 0, limit: 100, total: 250 },
      { offset: 100, limit: 100, total: 250 },
      { offset: 200, limit: 100, total: 250 },
      { offset: 300, limit: 100, total: 250 },
    ]);
    expect(items.map((u) => u.id)).toEqual([...directory.users()].map((u) => u.id));
    expect(items[0]?.user).toMatchObject({ name: directory.user(0).name, email: directory.user(0).email });
  });

  it('shows the shared and the missing e-mails that seedDirectory() and /_sim/directory announce', async () => {
    expect(h.sim.directory()).toEqual(facts);
    expect((await h.call('GET', '/_sim/directory', undefined, { token: null })).json).toEqual(facts);
    const { items } = await all<ListedUser>(USERS, 1000);
    const byId = new Map(items.map((u) => [u.id, u]));
    for (const id of facts.usersWithoutEmail) expect(byId.get(id)?.user).not.toHaveProperty('email');
    expect(facts.sharedEmails).toHaveLength(3);
    for (const { email, accountUserIds } of facts.sharedEmails) {
      const holders = items.filter((u) => u.user.email?.toLowerCase() === email).map((u) => u.id);
      expect(holders).toEqual(accountUserIds);
    }
    const withEmail = items.filter((u) => u.user.email !== undefined).length;
    expect(withEmail).toBe(250 - facts.usersWithoutEmail.length);
  });

  it('lists directory users and users it met elsewhere together, without counting anyone twice', async () => {
    const directoryUser = directory.userId(10);
    await h.assign(directoryUser, { id: directory.groupId(1) });
    await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' }); // sorts before the directory
    await h.assign('AUSR-9000-0000-0001', { id: 'UGR-0000-0001' }); // and after it
    const { items, pages } = await all<ListedUser>(USERS, 7);
    expect(pages[0]?.$meta.pagination.total).toBe(252);
    const ids = items.map((u) => u.id);
    expect(ids).toHaveLength(252);
    expect(ids).toEqual([...ids].sort());
    expect(ids[0]).toBe('AUSR-0000-0000-0001');
    expect(ids.at(-1)).toBe('AUSR-9000-0000-0001');
    const assigned = items.find((u) => u.id === directoryUser);
    expect(assigned?.user.email).toBe(directory.user(10).email);
    expect(groupIds(assigned)).toEqual([directory.groupId(1)]);
    expect(assigned?.groups[0]?.name).toBe(directory.group(1).name);
  });

  it('pages the groups with the S1 envelope and the documented fields', async () => {
    const { items, pages } = await all<ListedGroup>(GROUPS, 20);
    expect(pages.map((p) => p.$meta.pagination)).toEqual([0, 20, 40, 60].map((offset) => ({ offset, limit: 20, total: 45 })));
    expect(items.map((g) => g.id)).toEqual([...directory.groups()].map((g) => g.id));
    expect(items[0]).toMatchObject({ name: 'Finance', description: '', logo: '', isDefault: true });
    expect(items[0]?.account.id).toMatch(/^ACC-/);
    expect(items[0]?.modules).toHaveLength(1);
    expect(items.filter((g) => g.isDefault)).toHaveLength(1);
    const capped = (await h.call('GET', `${GROUPS}?limit=5000`)).json as Page<ListedGroup>;
    expect(capped.$meta.pagination).toEqual({ offset: 0, limit: 1000, total: 45 });
    const bad = await h.call('GET', `${GROUPS}?offset=x`);
    expect(bad.status).toBe(400);
    expect(problem(bad.json).detail).toMatch(/'offset'/);
  });

  it('has the duplicated and oddly written group names it announces', async () => {
    const { items } = await all<ListedGroup>(GROUPS, 100);
    expect(facts.duplicateGroupNames).toHaveLength(2);
    for (const { name, groupIds: ids } of facts.duplicateGroupNames) {
      expect(items.filter((g) => groupNameKey(g.name) === name).map((g) => g.id)).toEqual(ids);
    }
    // Exactly one of the pairs differs in case or spacing: an exact comparison would miss it.
    const exact = facts.duplicateGroupNames.filter(({ groupIds: [a, b] }) => {
      return items.find((g) => g.id === a)?.name === items.find((g) => g.id === b)?.name;
    });
    expect(exact).toHaveLength(1);
    expect(items.some((g) => g.name !== g.name.trim() && g.name.includes('  '))).toBe(true);
    const keys = items.map((g) => groupNameKey(g.name));
    expect(new Set(keys).size).toBe(45 - 2);
    expect(keys).not.toContain(groupNameKey(facts.unknownGroupName));
  });

  it('requires the token on the groups list: 401 without it, 403 for a forbidden one, 405 for other methods', async () => {
    const none = await h.call('GET', GROUPS, undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await h.call('GET', GROUPS, undefined, { token: 'wrong' })).status).toBe(401);
    expect((await h.call('GET', GROUPS, undefined, { token: 'read-only' })).status).toBe(403);
    const post = await h.call('POST', GROUPS, { name: 'New' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
  });

  it('scales to 100,000 users: any page is computed from its offset', async () => {
    const big = await startHarness({ directoryUsers: 100_000 });
    try {
      const last = (await big.call('GET', `${USERS}?offset=99990&limit=100`)).json as Page<ListedUser>;
      expect(last.$meta.pagination).toEqual({ offset: 99_990, limit: 100, total: 100_000 });
      const expected = seedDirectory({ directoryUsers: 100_000 });
      expect(last.data.map((u) => u.id)).toEqual(Array.from({ length: 10 }, (_, i) => expected.userId(99_990 + i)));
      expect(last.data[9]?.user.email).toBe(expected.user(99_999).email);
      expect(big.sim.memberships().size).toBe(0);
    } finally {
      await big.close();
    }
  });
});
