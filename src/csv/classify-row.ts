import { undefuseCell } from './defuse-cell.js';
import { describeBadId, isValidAccountUserId, isValidGroupId } from './id-shapes.js';
import type { CsvRecord } from './locating-parser.js';
import { looksLikeEmail, type LookupResult, type NameLookup } from './name-lookup.js';
import type { AssignmentColumns } from './resolve-header.js';
import type { InvalidReason, RowResult } from './types.js';

export type ClassifiedRow = Extract<RowResult, { kind: 'valid' | 'invalid' }>;

/** A side's id, or why the row is invalid. A bare string on success: this runs twice per row of a million-row file. */
type Side = string | { reason: InvalidReason; message: string };

/**
 * Judges one data record on its own: valid, or invalid with the first problem found. Duplicates need the rest of
 * the file and are the caller's business. Cells are undefused first, so a failures report re-imports exactly.
 * Per side, the id wins when filled, else the name is resolved; both filled must name the same thing.
 */
export function classifyRow(record: CsvRecord, columns: AssignmentColumns, loose: boolean, names?: NameLookup): ClassifiedRow {
  const { fields, line } = record;
  const accountUserId = cell(fields, columns.accountUserId);
  const groupId = cell(fields, columns.groupId);
  // Checked first: with a field missing or extra, the ids may come from the wrong columns.
  if (fields.length !== columns.fieldCount) {
    return invalid(line, accountUserId, groupId, { reason: 'field-count', message: `the row has ${fields.length} fields but the header has ${columns.fieldCount}` });
  }
  const user = userSide(accountUserId, cell(fields, columns.email), loose, names);
  if (typeof user !== 'string') return invalid(line, accountUserId, groupId, user);
  const group = groupSide(groupId, cell(fields, columns.groupName), loose, names);
  if (typeof group !== 'string') return invalid(line, user, groupId, group);
  return { kind: 'valid', line, accountUserId: user, groupId: group };
}

function cell(fields: readonly string[], index: number | undefined): string {
  return index === undefined ? '' : undefuseCell(fields[index] ?? '');
}

function invalid(line: number, accountUserId: string, groupId: string, why: { reason: InvalidReason; message: string }): ClassifiedRow {
  return { kind: 'invalid', line, accountUserId, groupId, reason: why.reason, message: why.message };
}

function userSide(id: string, email: string, loose: boolean, names: NameLookup | undefined): Side {
  if (id === '' && email === '') return { reason: 'missing-account-user', message: 'the account user id is empty' };
  if (id !== '' && !isValidAccountUserId(id, loose)) return { reason: 'bad-account-user-id', message: describeBadId('account-user', id, loose) };
  if (email === '') return id;
  const shown = quoteCell(email);
  if (!looksLikeEmail(email)) return { reason: 'bad-email', message: `e-mail ${shown} is not an e-mail address` };
  if (names === undefined) return { reason: 'unresolved-name', message: `e-mail ${shown} was not looked up` };
  const found = names.accountUserByEmail(email);
  if (found.kind !== 'found') {
    return found.kind === 'unknown'
      ? { reason: 'unknown-email', message: `no account user has the e-mail ${shown}` }
      : { reason: 'ambiguous-email', message: `more than one account user has the e-mail ${shown}` };
  }
  return agree(id, found, `the account user id ${id} is not the user with e-mail ${shown} (${found.id})`);
}

function groupSide(id: string, name: string, loose: boolean, names: NameLookup | undefined): Side {
  if (id === '' && name === '') return { reason: 'missing-group', message: 'the group id is empty' };
  if (id !== '' && !isValidGroupId(id, loose)) return { reason: 'bad-group-id', message: describeBadId('group', id, loose) };
  if (name === '') return id;
  const shown = quoteCell(name);
  if (names === undefined) return { reason: 'unresolved-name', message: `group name ${shown} was not looked up` };
  const found = names.groupByName(name);
  if (found.kind !== 'found') {
    return found.kind === 'unknown'
      ? { reason: 'unknown-group', message: `no group is named ${shown}` }
      : { reason: 'ambiguous-group-name', message: `more than one group is named ${shown}` };
  }
  return agree(id, found, `the group id ${id} is not the group named ${shown} (${found.id})`);
}

function agree(id: string, found: Extract<LookupResult, { kind: 'found' }>, mismatch: string): Side {
  if (id !== '' && id !== found.id) return { reason: 'id-name-mismatch', message: mismatch };
  return found.id;
}

function quoteCell(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
