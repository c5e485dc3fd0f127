import { AppError } from '../errors.js';

/**
 * What a fault does to a matching POST:
 * - `status`: answer `status` with problem details (and `retryAfter` verbatim, if given);
 * - `hang`: never answer, keep the socket open until the client gives up or the simulator closes;
 * - `reset`: destroy the socket without answering;
 * - `not-applied`: answer 200, but leave the group out of the body (and of the memberships).
 */
export type FaultKind = 'status' | 'hang' | 'reset' | 'not-applied';

/** One fault-injection rule for the assign call. */
export interface FaultRule {
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
const RULE_KEYS = new Set(['accountUserId', 'groupId', 'kind', 'status', 'retryAfter', 'times']);

/** Checks a rule from code or from `POST /_sim/faults` and returns a private copy; messages name the field. */
export function parseFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw faultError('a fault rule must be an object');
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!RULE_KEYS.has(key)) throw faultError(`unknown field ${key}`);
  if (!KINDS.includes(v.kind as FaultKind)) throw faultError(`kind must be one of ${KINDS.join(', ')}`);
  const rule: FaultRule = { kind: v.kind as FaultKind };
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
  take(accountUserId: string | undefined, groupId: string | undefined): FaultRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const entry = this.rules[i] as { rule: FaultRule; left: number };
      const { rule } = entry;
      if (rule.accountUserId !== undefined && rule.accountUserId !== accountUserId) continue;
      if (rule.groupId !== undefined && rule.groupId !== groupId) continue;
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
