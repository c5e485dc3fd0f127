import type { NameLookup } from './name-lookup.js';

/** Options for {@link readAssignments}. */
export interface ReadAssignmentsOptions {
  /**
   * Accept any id of at most 64 chars without `/ ? # % \`, whitespace or control chars, and not `.` or `..`,
   * instead of only the documented shapes `AUSR-dddd-dddd-dddd` and `UGR-dddd-dddd`.
   * @defaultValue false
   */
  looseIds?: boolean;
  /**
   * Duplicates already known from an earlier pass over the same file (line -> first line). When given, the reader
   * keeps no index of its own and reports exactly these lines as duplicates: the second pass of an import then
   * costs no memory per pair.
   * @defaultValue undefined (the reader finds duplicates itself)
   */
  knownDuplicates?: ReadonlyMap<number, number>;
  /**
   * Resolves e-mail and group-name cells to ids. Without it, a row that needs a name resolved is invalid
   * (`unresolved-name`): the importer passes one whenever the file fills a name column.
   * @defaultValue undefined
   */
  names?: NameLookup;
}

/** Why a data row cannot be sent to the API. */
export type InvalidReason =
  | 'missing-account-user'
  | 'missing-group'
  | 'bad-account-user-id'
  | 'bad-group-id'
  | 'field-count'
  | 'bad-email'
  | 'unknown-email'
  | 'ambiguous-email'
  | 'unknown-group'
  | 'ambiguous-group-name'
  | 'id-name-mismatch'
  | 'unresolved-name';

/**
 * The verdict on one data row. `line` is the 1-based physical line where the row's record starts (header is line 1
 * unless blank lines precede it; blank lines and line breaks inside quoted fields count).
 */
export type RowResult =
  | { kind: 'valid'; line: number; accountUserId: string; groupId: string }
  | {
      kind: 'invalid';
      line: number;
      accountUserId: string;
      groupId: string;
      reason: InvalidReason;
      message: string;
    }
  | {
      kind: 'duplicate';
      line: number;
      accountUserId: string;
      groupId: string;
      firstLine: number;
      reason: string;
      message: string;
    };
