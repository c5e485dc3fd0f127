import { AppError } from '../errors.js';

/** The API calls a fault can aim at; 'any' is all three. */
export type FaultCall = 'assign' | 'list-account-users' | 'list-user-groups' | 'any';

/** The request a fault rule is matched against. */
export interface FaultTarget {
  call: Exclude<FaultCall, 'any'>;
  /** Assign calls: the path id, percent-decoded. */
  accountUserId?: string;
  /** Assign calls: the body id. */
  groupId?: string;
  /** List calls: the page's offset. */
  offset?: number;
}

/**
 * What a fault does to a matching request:
 * - `status`: answer `status` with problem details (and `retryAfter` verbatim, if given);
 * - `hang`: never answer, keep the socket open until the client gives up or the simulator closes;
 * - `reset`: destroy the socket without answering;
 * - `not-applied`: answer 200, but leave the group out of the body (and of the memberships); assign calls only.
 */
export type FaultKind = 'status' | 'hang' | 'reset' | 'not-applied';

/** One fault-injection rule. */
export interface FaultRule {
  /**
   * The call it aims at. Rules without it keep to the assign call, as they always have.
   * @defaultValue 'assign'
   */
  call?: FaultCall;
  /**
   * Match only this account user (the path id, percent-decoded).
   * @defaultValue every account user
   */
  accountUserId?: string;
  /**
   * Match only this group (the body id).
   * @defaultValue every group
   */
  groupId?: string;
  /**
   * Match only the list page at this offset (list calls only).
   * @defaultValue every page
   */
  offset?: number;
  /** What to do with a matching request. */
  kind: FaultKind;
  /**
   * For kind 'status': the HTTP status to answer (problem details body), e.g. 503, 429, 404, 500, 408.
   * @defaultValue 500
   */
  status?: number;
  /**
   * For kind 'status': Retry-After value sent verbatim (e.g. '1', an HTTP date or 'junk').
   * @defaultValue no header
   */
  retryAfter?: string;
  /**
   * How many matching requests this rule applies to before it is used up.
   * @defaultValue forever
   */
  times?: number;
}

const KINDS: readonly FaultKind[] = ['status', 'hang', 'reset', 'not-applied'];
const CALLS: readonly FaultCall[] = ['assign', 'list-account-users', 'list-user-groups', 'any'];
const RULE_KEYS = new Set(['call', 'accountUserId', 'groupId', 'offset', 'kind', 'status', 'retryAfter', 'times']);

/** Checks a rule from code or from `POST /_sim/faults` and returns a private copy; messages name the field. */
export function parseFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw faultError('a fault rule must be an object');
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!RULE_KEYS.has(key)) throw faultError(`unknown field ${key}`);
  if (!KINDS.includes(v.kind as FaultKind)) throw faultError(`kind must be one of ${KINDS.join(', ')}`);
  const rule: FaultRule = { kind: v.kind as FaultKind };
  if (v.call !== undefined) {
    if (!CALLS.includes(v.call as FaultCall)) throw faultError(`call must be one of ${CALLS.join(', ')}`);
    rule.call = v.call as FaultCall;
  }
  if (v.offset !== undefined) {
    if (typeof v.offset !== 'number' || !Number.isInteger(v.offset) || v.offset < 0) {
      throw faultError('offset must be an integer >= 0');
    }
    if ((rule.call ?? 'assign') === 'assign') throw faultError('offset applies only to list calls (set call)');
    rule.offset = v.offset;
  }
  if (rule.kind === 'not-applied' && rule.call !== undefined && rule.call !== 'assign') {
    throw faultError('kind not-applied applies only to the assign call');
  }
  if (v.accountUserId !== undefined) rule.accountUserId = str('accountUserId', v.accountUserId);
  if (v.groupId !== undefined) rule.groupId = str('groupId', v.groupId);
  if (v.status !== undefined) {
    if (typeof v.status !== 'number' || !Number.isInteger(v.status) || v.status < 200 || v.status > 599) {
      throw faultError('status must be an integer HTTP status from 200 to 599');
    }
    rule.status = v.status;
  }
  if (rule.kind === 'status' && rule.status === undefined) rule.status = 500;
  if (v.retryAfter !== undefined) rule.retryAfter = str('retryAfter', v.retryAfter);
  if (v.times !== undefined) {
    if (typeof v.times !== 'number' || !Number.isInteger(v.times) || v.times < 1) {
      throw faultError('times must be an integer >= 1');
    }
    rule.times = v.times;
  }
  return rule;
}

/**
 * The active fault rules, first match wins (in the order added). A rule with `times` is used up after that many
 * matches and dropped. Rules are few, so a linear scan per POST is cheap; with none, it is one length check.
 */
export class FaultTable {
  private rules: Array<{ rule: FaultRule; left: number }> = [];

  add(rule: FaultRule): void {
    const parsed = parseFaultRule(rule);
    this.rules.push({ rule: parsed, left: parsed.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  /** The rule that applies to this request, consuming one of its `times`; undefined when none matches. */
  take(target: FaultTarget): FaultRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const entry = this.rules[i] as { rule: FaultRule; left: number };
      const { rule } = entry;
      const call = rule.call ?? 'assign';
      if (call !== 'any' && call !== target.call) continue;
      if (rule.accountUserId !== undefined && rule.accountUserId !== target.accountUserId) continue;
      if (rule.groupId !== undefined && rule.groupId !== target.groupId) continue;
      if (rule.offset !== undefined && rule.offset !== target.offset) continue;
      if (rule.kind === 'not-applied' && target.call !== 'assign') continue;
      entry.left--;
      if (entry.left <= 0) this.rules.splice(i, 1);
      return rule;
    }
    return undefined;
  }
}

function str(name: string, value: unknown): string {
  if (typeof value !== 'string') throw faultError(`${name} must be a string`);
  return value;
}

function faultError(message: string): AppError {
  return new AppError('config', `simulator fault rule: ${message}`);
}
