import { FIRST_NAMES, GROUP_NAMES, LAST_NAMES } from './directory-names.js';
import { simOptionsSchema, type SimOptions } from './sim-options.js';

/*
 * The simulator's seeded directory: account users with e-mails and user groups with names, for the importer that
 * resolves e-mail addresses and group names (issue 12). Nothing is random and nothing is stored: every user and group
 * is computed from its index, so 10 million users cost no memory, and a test (or a bench) knows from the options
 * alone what the list calls will answer. The rules, with j = 0, 1, 2 ...:
 *
 * Users (index i, id AUSR-5000-hhhh-llll with i = hhhh * 9999 + llll, so the last block is never the 404 block 9999):
 * - name "First Last" and e-mail first.last@acme.example from the word lists (a number appended after 1,600 users);
 * - user 10j+3 has no e-mail (for j < missingEmails);
 * - user 10j+7 has the e-mail of user 10j+6 (for j < sharedEmails), written in capitals when j is odd, so the two
 *   are ambiguous only to a reader that compares case-insensitively, as it must;
 * - users 20j+9 have their e-mail written with capitals (First.Last@Acme.Example).
 * Groups (index g, id UGR-6000-gggg):
 * - names from GROUP_NAMES ("Finance", then "Finance 2" after the list runs out); group 0 is the default group;
 * - group 10j+5 has the name of group 10j+4 (for j < duplicateGroupNames), in lower case with a trailing space when
 *   j is odd;
 * - groups 20j+8 have their name with a leading and a trailing space and doubled inner spaces (" IT  Operations "),
 *   and groups 20j+19 have it in capitals.
 * Addresses at unknown.example and the group name "No Such Group" never exist.
 */

/** One account user of the directory. */
export interface DirectoryUser {
  index: number;
  id: string;
  name: string;
  /** As stored (case kept); absent for the users without an e-mail. */
  email?: string;
}

/** One user group of the directory. */
export interface DirectoryGroup {
  index: number;
  id: string;
  /** As stored: spacing and case kept. */
  name: string;
  isDefault: boolean;
}

/** What the directory holds, for tests, benches and `GET /_sim/directory`; lists are as long as the options make them. */
export interface DirectoryFacts {
  users: number;
  groups: number;
  /** Users without an e-mail. */
  usersWithoutEmail: string[];
  /** Addresses (lower-cased) held by two users, with those users. */
  sharedEmails: Array<{ email: string; accountUserIds: string[] }>;
  /** Users whose e-mail is held by nobody else: they resolve. */
  uniqueEmailUsers: number;
  /** Names (trimmed, inner spaces collapsed, lower-cased) held by two groups, with those groups. */
  duplicateGroupNames: Array<{ name: string; groupIds: string[] }>;
  /** Groups whose name is held by no other group after normalising: they resolve. */
  uniqueNameGroups: number;
  /** An address and a group name that are in no directory. */
  unknownEmail: string;
  unknownGroupName: string;
}

const DIRECTORY_OPTIONS = {
  directoryUsers: true,
  directoryGroups: true,
  sharedEmails: true,
  missingEmails: true,
  duplicateGroupNames: true,
} as const;
type DirectoryOptions = Pick<SimOptions, keyof typeof DIRECTORY_OPTIONS>;

const USER_ID = /^AUSR-5000-(\d{4})-(\d{4})$/;
const GROUP_ID = /^UGR-6000-(\d{4})$/;
const PER_BLOCK = 9_999;
const pad4 = (n: number): string => String(n).padStart(4, '0');
const inPlay = (index: number, remainder: number, count: number): boolean =>
  index % 10 === remainder && Math.floor(index / 10) < count;

/** Normalises a group name as the importer must: trimmed, inner whitespace collapsed, lower-cased. */
export function groupNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The directory the given options describe (defaults as for {@link startSimulator}). */
export function seedDirectory(options: DirectoryOptions = {}): SeededDirectory {
  return new SeededDirectory(simOptionsSchema.pick(DIRECTORY_OPTIONS).parse(options));
}

export class SeededDirectory {
  readonly userCount: number;
  readonly groupCount: number;
  private readonly shared: number;
  private readonly missing: number;
  private readonly duplicates: number;

  constructor(options: Required<DirectoryOptions>) {
    this.userCount = options.directoryUsers;
    this.groupCount = options.directoryGroups;
    this.shared = options.sharedEmails;
    this.missing = options.missingEmails;
    this.duplicates = options.duplicateGroupNames;
  }

  userId(index: number): string {
    return `AUSR-5000-${pad4(Math.floor(index / PER_BLOCK))}-${pad4(index % PER_BLOCK)}`;
  }

  /** The index of a directory user's id, or -1 for any other id. */
  userIndex(id: string): number {
    const m = USER_ID.exec(id);
    if (m === null) return -1;
    const low = Number(m[2]);
    const index = Number(m[1]) * PER_BLOCK + low;
    return low < PER_BLOCK && index < this.userCount ? index : -1;
  }

  user(index: number): DirectoryUser {
    const { first, last, suffix } = personAt(index);
    const user: DirectoryUser = { index, id: this.userId(index), name: `${first} ${last}${suffix ? ` ${suffix}` : ''}` };
    const email = this.emailAt(index);
    if (email !== undefined) user.email = email;
    return user;
  }

  groupId(index: number): string {
    return `UGR-6000-${pad4(index)}`;
  }

  /** The index of a directory group's id, or -1 for any other id. */
  groupIndex(id: string): number {
    const m = GROUP_ID.exec(id);
    const index = m === null ? -1 : Number(m[1]);
    return index < this.groupCount ? index : -1;
  }

  group(index: number): DirectoryGroup {
    return { index, id: this.groupId(index), name: this.groupNameAt(index), isDefault: index === 0 };
  }

  *users(): Generator<DirectoryUser> {
    for (let i = 0; i < this.userCount; i++) yield this.user(i);
  }

  *groups(): Generator<DirectoryGroup> {
    for (let g = 0; g < this.groupCount; g++) yield this.group(g);
  }

  facts(): DirectoryFacts {
    const usersWithoutEmail: string[] = [];
    for (let j = 0; j < this.missing && 10 * j + 3 < this.userCount; j++) usersWithoutEmail.push(this.userId(10 * j + 3));
    const sharedEmails: DirectoryFacts['sharedEmails'] = [];
    for (let j = 0; j < this.shared && 10 * j + 7 < this.userCount; j++) {
      const email = (this.emailAt(10 * j + 6) as string).toLowerCase();
      sharedEmails.push({ email, accountUserIds: [this.userId(10 * j + 6), this.userId(10 * j + 7)] });
    }
    const duplicateGroupNames: DirectoryFacts['duplicateGroupNames'] = [];
    for (let j = 0; j < this.duplicates && 10 * j + 5 < this.groupCount; j++) {
      const name = groupNameKey(this.groupNameAt(10 * j + 4));
      duplicateGroupNames.push({ name, groupIds: [this.groupId(10 * j + 4), this.groupId(10 * j + 5)] });
    }
    return {
      users: this.userCount,
      groups: this.groupCount,
      usersWithoutEmail,
      sharedEmails,
      uniqueEmailUsers: this.userCount - usersWithoutEmail.length - 2 * sharedEmails.length,
      duplicateGroupNames,
      uniqueNameGroups: this.groupCount - 2 * duplicateGroupNames.length,
      unknownEmail: 'nobody@unknown.example',
      unknownGroupName: 'No Such Group',
    };
  }

  private emailAt(index: number): string | undefined {
    if (inPlay(index, 3, this.missing)) return undefined;
    if (inPlay(index, 7, this.shared)) {
      const twin = plainEmail(index - 1);
      return Math.floor(index / 10) % 2 === 1 ? twin.toUpperCase() : twin;
    }
    const email = plainEmail(index);
    if (index % 20 === 9) return email.replace(/(^|[.@])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
    return email;
  }

  private groupNameAt(index: number): string {
    if (inPlay(index, 5, this.duplicates)) {
      const twin = plainGroupName(index - 1);
      return Math.floor(index / 10) % 2 === 1 ? `${twin.toLowerCase()} ` : twin;
    }
    const name = plainGroupName(index);
    if (index % 20 === 8) return ` ${name.replaceAll(' ', '  ')} `;
    if (index % 20 === 19) return name.toUpperCase();
    return name;
  }
}

function personAt(index: number): { first: string; last: string; suffix: number } {
  // The last name shifts with the first, so neighbours differ in both; (first, last) pairs still repeat only after
  // every one of the 1,600 has been used.
  const first = FIRST_NAMES[index % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[(index + Math.floor(index / FIRST_NAMES.length)) % LAST_NAMES.length] as string;
  const round = Math.floor(index / (FIRST_NAMES.length * LAST_NAMES.length));
  return { first, last, suffix: round === 0 ? 0 : round + 1 };
}

function plainEmail(index: number): string {
  const { first, last, suffix } = personAt(index);
  return `${first}.${last}${suffix || ''}@acme.example`.toLowerCase();
}

function plainGroupName(index: number): string {
  const base = GROUP_NAMES[index % GROUP_NAMES.length] as string;
  const round = Math.floor(index / GROUP_NAMES.length);
  return round === 0 ? base : `${base} ${round + 1}`;
}
