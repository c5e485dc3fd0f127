import { AppError } from '../errors.js';

/** How a 429 states when to come back (RFC 9110 allows delay-seconds or an HTTP-date). */
export type RetryAfterForm = 'seconds' | 'date' | 'none';

/** How the simulator answers a POST for a membership that already exists; the real S1 behaviour is unknown. */
export type AlreadyMemberStatus = 200 | 400 | 409;

/** Options for {@link startSimulator}. Only `token` is required. */
export interface SimOptions {
  /**
   * TCP port to listen on.
   * @defaultValue 0 (a free port)
   */
  port?: number;
  /**
   * Interface to bind; loopback so tests never expose the simulator.
   * @defaultValue '127.0.0.1'
   */
  host?: string;
  /** Bearer token the server accepts. */
  token: string;
  /**
   * Bearer tokens that authenticate but lack permission: answered with 403 instead of 401.
   * @defaultValue []
   */
  forbiddenTokens?: string[];
  /**
   * Sliding-window limit: requests accepted in any 1,000 ms window; 0 = unlimited.
   * @defaultValue 0
   */
  rate?: number;
  /**
   * How 429 says Retry-After. 'none' omits the header.
   * @defaultValue 'seconds'
   */
  retryAfter?: RetryAfterForm;
  /**
   * Send RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset and X-RateLimit-* headers (only while `rate` > 0).
   * @defaultValue false
   */
  rateLimitHeaders?: boolean;
  /**
   * Added latency per request in ms.
   * @defaultValue 0
   */
  latencyMs?: number;
  /**
   * Uniform jitter +/- this many ms around `latencyMs` (never below 0 ms in total).
   * @defaultValue 0
   */
  latencyJitterMs?: number;
  /**
   * Add `Deprecation: true` and a `Sunset` HTTP-date header to every answer.
   * @defaultValue false
   */
  deprecation?: boolean;
  /**
   * How to answer when the user is already in the group.
   * @defaultValue 200
   */
  onAlreadyMember?: AlreadyMemberStatus;
  /**
   * Account users that answer 404. Besides these, any user id whose last block is 9999 (AUSR-dddd-dddd-9999)
   * is unknown.
   * @defaultValue []
   */
  unknownUsers?: string[];
  /**
   * Groups that answer 404. Besides these, group UGR-9999-9999 is unknown.
   * @defaultValue []
   */
  unknownGroups?: string[];
  /**
   * Ids must match the documented patterns (else 400). Set false to accept any id (for --loose-ids tests).
   * @defaultValue true
   */
  strictIds?: boolean;
}

/** The options that can change while the simulator runs. */
export type SimOptionsPatch = Partial<Omit<SimOptions, 'port' | 'host' | 'token'>>;

/** Options after validation and defaults; sets replace arrays so per-request look-ups are O(1). */
export interface ResolvedSimOptions {
  readonly port: number;
  readonly host: string;
  readonly token: string;
  readonly forbiddenTokens: ReadonlySet<string>;
  readonly rate: number;
  readonly retryAfter: RetryAfterForm;
  readonly rateLimitHeaders: boolean;
  readonly latencyMs: number;
  readonly latencyJitterMs: number;
  readonly deprecation: boolean;
  readonly onAlreadyMember: AlreadyMemberStatus;
  readonly unknownUsers: ReadonlySet<string>;
  readonly unknownGroups: ReadonlySet<string>;
  readonly strictIds: boolean;
}

const PATCHABLE_KEYS = new Set<string>([
  'forbiddenTokens',
  'rate',
  'retryAfter',
  'rateLimitHeaders',
  'latencyMs',
  'latencyJitterMs',
  'deprecation',
  'onAlreadyMember',
  'unknownUsers',
  'unknownGroups',
  'strictIds',
]);

const RETRY_AFTER_FORMS: readonly RetryAfterForm[] = ['seconds', 'date', 'none'];
const ALREADY_MEMBER_STATUSES: readonly AlreadyMemberStatus[] = [200, 400, 409];

/** Validates full options once, at start-up; messages name the option. */
export function resolveSimOptions(options: SimOptions): ResolvedSimOptions {
  if (typeof options !== 'object' || options === null) throw configError('options must be an object');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw configError('port must be an integer from 0 to 65535');
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw configError('host must be a non-empty string');
  if (typeof options.token !== 'string' || options.token === '') throw configError('token must be a non-empty string');
  const base: ResolvedSimOptions = {
    port,
    host,
    token: options.token,
    forbiddenTokens: new Set(),
    rate: 0,
    retryAfter: 'seconds',
    rateLimitHeaders: false,
    latencyMs: 0,
    latencyJitterMs: 0,
    deprecation: false,
    onAlreadyMember: 200,
    unknownUsers: new Set(),
    unknownGroups: new Set(),
    strictIds: true,
  };
  const { port: _p, host: _h, token: _t, ...patch } = options;
  return applySimOptionsPatch(base, patch);
}

/**
 * Validates a run-time patch (from code or from `POST /_sim/options`) and returns new resolved options.
 * Unknown keys are rejected so a typo in a test does not silently leave the default in force.
 */
export function applySimOptionsPatch(current: ResolvedSimOptions, patch: unknown): ResolvedSimOptions {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw configError('options patch must be an object');
  }
  const p = patch as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!PATCHABLE_KEYS.has(key)) throw configError(`${key} is not an option that can be changed at run time`);
  }
  const next: { -readonly [K in keyof ResolvedSimOptions]: ResolvedSimOptions[K] } = { ...current };
  if (p.forbiddenTokens !== undefined) {
    next.forbiddenTokens = new Set(stringArray('forbiddenTokens', p.forbiddenTokens));
  }
  if (p.rate !== undefined) next.rate = nonNegativeInteger('rate', p.rate, 2_000_000);
  if (p.retryAfter !== undefined) next.retryAfter = oneOf('retryAfter', p.retryAfter, RETRY_AFTER_FORMS);
  if (p.rateLimitHeaders !== undefined) next.rateLimitHeaders = bool('rateLimitHeaders', p.rateLimitHeaders);
  if (p.latencyMs !== undefined) next.latencyMs = nonNegativeInteger('latencyMs', p.latencyMs, 600_000);
  if (p.latencyJitterMs !== undefined) {
    next.latencyJitterMs = nonNegativeInteger('latencyJitterMs', p.latencyJitterMs, 600_000);
  }
  if (p.deprecation !== undefined) next.deprecation = bool('deprecation', p.deprecation);
  if (p.onAlreadyMember !== undefined) {
    next.onAlreadyMember = oneOf('onAlreadyMember', p.onAlreadyMember, ALREADY_MEMBER_STATUSES);
  }
  if (p.unknownUsers !== undefined) next.unknownUsers = new Set(stringArray('unknownUsers', p.unknownUsers));
  if (p.unknownGroups !== undefined) next.unknownGroups = new Set(stringArray('unknownGroups', p.unknownGroups));
  if (p.strictIds !== undefined) next.strictIds = bool('strictIds', p.strictIds);
  return Object.freeze(next);
}

function configError(message: string): AppError {
  return new AppError('config', `simulator: ${message}`);
}

function nonNegativeInteger(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw configError(`${name} must be an integer from 0 to ${max}`);
  }
  return value;
}

function bool(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw configError(`${name} must be true or false`);
  return value;
}

function oneOf<T>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw configError(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function stringArray(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw configError(`${name} must be an array of strings`);
  }
  return value;
}
