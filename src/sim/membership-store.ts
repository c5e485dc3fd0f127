import type { SeededDirectory } from './seed-directory.js';
import { sortedUnionPage } from './sorted-union-page.js';

/** What the simulator knows of one account user beyond its memberships. */
export interface AccountUserRecord {
  readonly id: string;
  email?: string;
  name?: string;
  /** Bumped on every membership change, like the real resource's `revision`. */
  revision: number;
  /** ISO time of the last change, for `audit.updated.at`. */
  updatedAt: string;
}

/** A user to seed: id, optional e-mail and name, and groups it already belongs to. */
export interface SeedUser {
  id: string;
  email?: string;
  name?: string;
  groups?: string[];
}

/**
 * Account users and their group memberships. Users are those of the seeded directory, computed on demand, plus any
 * other id on first use (any known id exists, as on a real account) or by seeding. Only users that changed are
 * stored. The sorted list of stored ids outside the directory is cached until such a user is added, so paging
 * through N users costs one sort, not one per page.
 */
export class MembershipStore {
  private readonly users = new Map<string, AccountUserRecord>();
  private readonly memberships = new Map<string, Set<string>>();
  private extraIds: string[] | null = null;

  constructor(
    private readonly createdAt: string,
    private readonly directory: SeededDirectory,
  ) {}

  /** The record for `id`, stored from now on (created when first seen). */
  user(id: string): AccountUserRecord {
    let record = this.users.get(id);
    if (record === undefined) {
      record = this.fresh(id);
      this.users.set(id, record);
      if (this.directory.userIndex(id) < 0) this.extraIds = null;
    }
    return record;
  }

  /** The record for `id` if stored, else a fresh one that is not stored (for answers that must not create users). */
  peek(id: string): AccountUserRecord {
    return this.users.get(id) ?? this.fresh(id);
  }

  /** A user as it is before any change: a directory user carries its name and e-mail. */
  private fresh(id: string): AccountUserRecord {
    const record: AccountUserRecord = { id, revision: 1, updatedAt: this.createdAt };
    const index = this.directory.userIndex(id);
    if (index >= 0) {
      const { name, email } = this.directory.user(index);
      record.name = name;
      if (email !== undefined) record.email = email;
    }
    return record;
  }

  groupsOf(id: string): ReadonlySet<string> {
    return this.memberships.get(id) ?? EMPTY;
  }

  has(id: string, groupId: string): boolean {
    return this.memberships.get(id)?.has(groupId) ?? false;
  }

  /** Adds the membership; returns false when it already held. */
  add(id: string, groupId: string, now: string): boolean {
    const record = this.user(id);
    let groups = this.memberships.get(id);
    if (groups === undefined) {
      groups = new Set();
      this.memberships.set(id, groups);
    }
    if (groups.has(groupId)) return false;
    groups.add(groupId);
    record.revision++;
    record.updatedAt = now;
    return true;
  }

  seed(users: readonly SeedUser[], now: string): void {
    for (const u of users) {
      const record = this.user(u.id);
      if (u.email !== undefined) record.email = u.email;
      if (u.name !== undefined) record.name = u.name;
      for (const g of u.groups ?? []) this.add(u.id, g, now);
    }
  }

  /** One page of users in id order (directory and other users together), and the total. */
  page(offset: number, limit: number): { total: number; records: AccountUserRecord[] } {
    this.extraIds ??= [...this.users.keys()].filter((id) => this.directory.userIndex(id) < 0).sort();
    const { userCount } = this.directory;
    const ids = sortedUnionPage(userCount, (i) => this.directory.userId(i), this.extraIds, offset, limit);
    return { total: userCount + this.extraIds.length, records: ids.map((id) => this.peek(id)) };
  }

  /** A copy, so callers' assertions cannot change the simulator's state. */
  snapshot(): Map<string, Set<string>> {
    const copy = new Map<string, Set<string>>();
    for (const [id, groups] of this.memberships) if (groups.size > 0) copy.set(id, new Set(groups));
    return copy;
  }

  clear(): void {
    this.users.clear();
    this.memberships.clear();
    this.extraIds = null;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
