import { emailKey, groupNameKey, type LookupResult, type NameLookup, type NamesUsed } from '../csv/index.js';
import { listPages, type ListPagesOptions } from './list-pages.js';
import type { S1Client } from './s1-client.js';

/** The e-mail and group-name maps read from the server, with what reading them cost. */
export interface Directory extends NameLookup {
  /** List pages read (both calls), not counting retries. */
  pages: number;
  /** Requests made, retries included. */
  requests: number;
  /** Distinct e-mail addresses and group names held. */
  emails: number;
  groupNames: number;
}

/** Options for {@link readDirectory}. */
export interface ReadDirectoryOptions extends Omit<ListPagesOptions, 'what' | 'onRequest'> {
  /** Called after each page with the pages read so far and the total the server announced for that list. */
  onPage?: (progress: { list: 'account-users' | 'user-groups'; read: number; total: number | undefined }) => void;
}

// A key seen on two different ids: one marker instead of a list of ids, so an ambiguous name costs no more memory.
const AMBIGUOUS = Symbol('ambiguous');
type KeyMap = Map<string, string | typeof AMBIGUOUS>;

interface AccountUserItem {
  id?: unknown;
  user?: { email?: unknown };
}
interface GroupItem {
  id?: unknown;
  name?: unknown;
}

/**
 * Reads the account users' e-mails and the groups' names through the paginated list calls, under the global limit
 * and the workers' retry rules (listPages), and only the lists `used` asks for. It streams: of each item only the
 * key and the id are kept, never the full account user. Throws the one AppError of listPages when a page keeps failing.
 */
export async function readDirectory(client: S1Client, used: NamesUsed, options: ReadDirectoryOptions): Promise<Directory> {
  const users: KeyMap = new Map();
  const groups: KeyMap = new Map();
  let requests = 0;
  let pages = 0;
  const read = async (list: 'account-users' | 'user-groups', into: KeyMap, keyOf: (item: unknown) => [string, string] | undefined) => {
    const fetch = list === 'account-users' ? client.listAccountUsers.bind(client) : client.listUserGroups.bind(client);
    let total: number | undefined;
    let read = 0;
    const what = list === 'account-users' ? 'the account users (to resolve e-mails)' : 'the user groups (to resolve group names)';
    const fetchPage: Parameters<typeof listPages>[0] = async (offset, limit, opts) => {
      const answer = await fetch(offset, limit, opts);
      const announced = (answer.body as { $meta?: { pagination?: { total?: unknown } } } | undefined)?.$meta?.pagination?.total;
      if (typeof announced === 'number') total = announced;
      return answer;
    };
    for await (const page of listPages(fetchPage, { ...options, what, onRequest: () => requests++ })) {
      pages++;
      read++;
      for (const item of page) {
        const pair = keyOf(item);
        if (pair === undefined) continue;
        const [key, id] = pair;
        const held = into.get(key);
        if (held === undefined) into.set(key, id);
        else if (held !== id) into.set(key, AMBIGUOUS);
      }
      options.onPage?.({ list, read, total: total === undefined ? undefined : Math.ceil(total / options.pageSize) });
    }
  };
  if (used.emails) {
    await read('account-users', users, (item) => {
      const u = item as AccountUserItem | null;
      const email = u?.user?.email;
      return typeof u?.id === 'string' && typeof email === 'string' && email.trim() !== '' ? [emailKey(email), u.id] : undefined;
    });
  }
  if (used.groupNames) {
    await read('user-groups', groups, (item) => {
      const g = item as GroupItem | null;
      return typeof g?.id === 'string' && typeof g.name === 'string' && g.name.trim() !== '' ? [groupNameKey(g.name), g.id] : undefined;
    });
  }
  return {
    accountUserByEmail: (email) => lookup(users, emailKey(email)),
    groupByName: (name) => lookup(groups, groupNameKey(name)),
    pages,
    requests,
    emails: users.size,
    groupNames: groups.size,
  };
}

function lookup(map: KeyMap, key: string): LookupResult {
  const held = map.get(key);
  if (held === undefined) return { kind: 'unknown' };
  return held === AMBIGUOUS ? { kind: 'ambiguous' } : { kind: 'found', id: held };
}
