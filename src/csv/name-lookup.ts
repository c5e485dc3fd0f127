/**
 * How the reader turns what admins write (an e-mail, a group name) into ids. The csv layer knows nothing of S1: the
 * importer builds a lookup from the server's list calls (src/s1/read-directory.ts) and hands it in.
 */
export type LookupResult = { kind: 'found'; id: string } | { kind: 'unknown' } | { kind: 'ambiguous' };

export interface NameLookup {
  /** The account user whose `user.email` matches, case-insensitively after trimming. */
  accountUserByEmail(email: string): LookupResult;
  /** The group whose name matches, case-insensitively after trimming and collapsing inner whitespace. */
  groupByName(name: string): LookupResult;
}

/** Which name columns a file fills in at least one row: only those lists are read from the server. */
export interface NamesUsed {
  emails: boolean;
  groupNames: boolean;
}

/** The key an e-mail is matched by. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The key a group name is matched by: `  Product   Management ` and `product management` are one name. */
export function groupNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

// Deliberately loose: S1 decides what an address is; this only refuses cells that cannot be one (a space inside,
// no @), so a typo is a named reason on its row instead of an "unknown-email" that hides it.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** True when the cell can be an e-mail address at all. */
export function looksLikeEmail(email: string): boolean {
  return EMAIL_SHAPE.test(email.trim()) && email.length <= 320;
}
