/**
 * Which ids may reach a URL. Strict mode accepts only the shapes the S1 docs give; loose mode is an escape hatch for
 * tenants whose ids differ, and still refuses everything that could change the meaning of a URL path.
 */
import { isSafeId } from '../safe-id.js';

const ACCOUNT_USER_SHAPE = /^AUSR-\d{4}-\d{4}-\d{4}$/;
const GROUP_SHAPE = /^UGR-\d{4}-\d{4}$/;

const LOOSE_MAX_LENGTH = 64;
const LOOSE_FORBIDDEN = /[/?#%\\\s\p{Cc}]/u;

export function isValidAccountUserId(id: string, loose: boolean): boolean {
  return loose ? isSafeId(id) : ACCOUNT_USER_SHAPE.test(id);
}

export function isValidGroupId(id: string, loose: boolean): boolean {
  return loose ? isSafeId(id) : GROUP_SHAPE.test(id);
}


/**
 * Says what is wrong with an id that failed the check above, for the row's message. The id is quoted with
 * JSON.stringify so control characters stay visible, and cut short so one bad cell cannot flood a report.
 */
export function describeBadId(kind: 'account-user' | 'group', id: string, loose: boolean): string {
  const label = kind === 'account-user' ? 'account user id' : 'group id';
  const shown = JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);
  if (!loose) {
    const shape = kind === 'account-user' ? 'AUSR-dddd-dddd-dddd' : 'UGR-dddd-dddd';
    return `${label} ${shown} does not have the shape ${shape}`;
  }
  const forbidden = LOOSE_FORBIDDEN.exec(id)?.[0];
  if (forbidden !== undefined) return `${label} ${shown} contains the forbidden character ${JSON.stringify(forbidden)}`;
  if ([...id].length > LOOSE_MAX_LENGTH) return `${label} ${shown} is longer than ${LOOSE_MAX_LENGTH} characters`;
  return `${label} ${shown} is a path segment, not an id`;
}
