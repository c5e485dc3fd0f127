import { csvFileError } from './csv-file-error.js';
import type { CsvRecord } from './locating-parser.js';

/**
 * Where the columns the reader needs sit in each record, and how many fields a record must have. A file has at least
 * one user column (id or e-mail) and one group column (id or name).
 */
export interface AssignmentColumns {
  accountUserId?: number;
  groupId?: number;
  email?: number;
  groupName?: number;
  fieldCount: number;
}

// Normalised names, most specific first: a file with both `accountUserId` and `user` (say, a display name) means
// the former.
const ACCOUNT_USER_NAMES = ['accountuserid', 'userid', 'user'];
const GROUP_NAMES = ['groupid', 'group'];
const EMAIL_NAMES = ['email', 'mail', 'useremail', 'userprincipalname', 'upn', 'login'];
const GROUP_NAME_NAMES = ['groupname', 'usergroupname', 'usergroup'];
const ACCOUNT_USER_SHOWN = 'accountUserId, account_user_id, Account User ID, userId or user; or email, e-mail, mail, userEmail, userPrincipalName, upn or login';
const GROUP_SHOWN = 'groupId, group_id, Group ID or group; or groupName, group name, userGroupName or userGroup';

/** How header names are compared: `Account User ID`, `account_user_id` and `accountUserId` are one name. */
export function normalizeHeaderName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * Finds the account user and group columns (ids, e-mail, group name) in the header record; other columns are ignored, so a failures report
 * (`line,accountUserId,groupId,outcome,...`) can be imported as it is. Throws AppError('csv-header') naming the
 * headers found when a column is missing or two columns claim the same role.
 */
export function resolveHeader(header: CsvRecord, fileLabel: string): AssignmentColumns {
  const names = header.fields.map(normalizeHeaderName);
  const find = (role: string, candidates: readonly string[]): number | undefined => {
    for (const candidate of candidates) {
      const first = names.indexOf(candidate);
      if (first < 0) continue;
      const second = names.indexOf(candidate, first + 1);
      if (second >= 0) {
        throw csvFileError(
          'csv-header',
          fileLabel,
          header.line,
          `two ${role} columns, ${quote(header.fields[first])} and ${quote(header.fields[second])}; keep one`,
        );
      }
      return first;
    }
    return undefined;
  };
  const accountUserId = find('account user', ACCOUNT_USER_NAMES);
  const groupId = find('group', GROUP_NAMES);
  const email = find('e-mail', EMAIL_NAMES);
  const groupName = find('group name', GROUP_NAME_NAMES);
  const noUser = accountUserId === undefined && email === undefined;
  const noGroup = groupId === undefined && groupName === undefined;
  if (noUser || noGroup) {
    const missing = [
      noUser ? `no account user column (${ACCOUNT_USER_SHOWN})` : undefined,
      noGroup ? `no group column (${GROUP_SHOWN})` : undefined,
    ].filter((text) => text !== undefined);
    throw csvFileError(
      'csv-header',
      fileLabel,
      header.line,
      `${missing.join(' and ')}; headers found: ${describeHeaders(header.fields)}`,
    );
  }
  return { accountUserId, groupId, email, groupName, fieldCount: header.fields.length };
}

function describeHeaders(fields: readonly string[]): string {
  const shown = fields.slice(0, 20).map(quote).join(', ');
  return fields.length > 20 ? `${shown} and ${fields.length - 20} more` : shown;
}

function quote(name: string | undefined): string {
  const text = name ?? '';
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
