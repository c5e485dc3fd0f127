import { listPages, type ListPagesOptions } from './list-pages.js';
import type { S1Client } from './s1-client.js';

/** What the server says is in place, read once before an import. */
export interface ExistingMemberships {
  /** 'in-place' when the pair already holds (the importer's `inPlace` option). */
  inPlace(accountUserId: string, groupId: string): 'in-place' | undefined;
  /** True when the account user is in the account at all (for the dry-run plan's "unknown users"). */
  knownUser(accountUserId: string): boolean;
  users: number;
  memberships: number;
  requests: number;
}

interface AccountUserItem {
  id?: unknown;
  groups?: Array<{ id?: unknown }>;
}

/** Every account user and its groups, from the paginated account-users list call. */
export async function readMemberships(client: S1Client, options: Omit<ListPagesOptions, 'what' | 'onRequest'>): Promise<ExistingMemberships> {
  const pairs = new Set<string>();
  const users = new Set<string>();
  let requests = 0;
  const pages = listPages((offset, limit, opts) => client.listAccountUsers(offset, limit, opts), { ...options, what: 'current memberships', onRequest: () => requests++ });
  for await (const page of pages) {
    for (const u of page as AccountUserItem[]) {
      if (typeof u?.id !== 'string') continue;
      users.add(u.id);
      for (const g of u.groups ?? []) if (typeof g?.id === 'string') pairs.add(`${u.id}|${g.id}`);
    }
  }
  return {
    inPlace: (u, g) => (pairs.has(`${u}|${g}`) ? 'in-place' : undefined),
    knownUser: (u) => users.has(u),
    users: users.size,
    memberships: pairs.size,
    requests,
  };
}
