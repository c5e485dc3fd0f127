import { undefuseCell } from './defuse-cell.js';
import { describeBadId, isValidAccountUserId, isValidGroupId } from './id-shapes.js';
import type { CsvRecord } from './locating-parser.js';
import type { AssignmentColumns } from './resolve-header.js';
import type { RowResult } from './types.js';

export type ClassifiedRow = Extract<RowResult, { kind: 'valid' | 'invalid' }>;

/**
 * Judges one data record on its own: valid, or invalid with the first problem found. Duplicates need the rest of
 * the file and are the caller's business. Cells are undefused first, so a failures report re-imports exactly.
 */
export function classifyRow(record: CsvRecord, columns: AssignmentColumns, loose: boolean): ClassifiedRow {
  const { fields, line } = record;
  const accountUserId = undefuseCell(fields[columns.accountUserId] ?? '');
  const groupId = undefuseCell(fields[columns.groupId] ?? '');
  const invalid = (reason: Extract<RowResult, { kind: 'invalid' }>['reason'], message: string): ClassifiedRow => ({
    kind: 'invalid',
    line,
    accountUserId,
    groupId,
    reason,
    message,
  });
  // Checked first: with a field missing or extra, the ids may come from the wrong columns.
  if (fields.length !== columns.fieldCount) {
    return invalid('field-count', `the row has ${fields.length} fields but the header has ${columns.fieldCount}`);
  }
  if (accountUserId === '') return invalid('missing-account-user', 'the account user id is empty');
  if (groupId === '') return invalid('missing-group', 'the group id is empty');
  if (!isValidAccountUserId(accountUserId, loose)) {
    return invalid('bad-account-user-id', describeBadId('account-user', accountUserId, loose));
  }
  if (!isValidGroupId(groupId, loose)) return invalid('bad-group-id', describeBadId('group', groupId, loose));
  return { kind: 'valid', line, accountUserId, groupId };
}
