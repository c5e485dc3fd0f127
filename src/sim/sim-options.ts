import { z } from 'zod';
import { AppError } from '../errors.js';
import { describeOption, optionFacts, registerOption, type OptionFacts, type OptionKind } from './option-kinds.js';
import { bool, integer, oneOf, stringList, text } from './option-kinds.js';
import { rateScheduleKind } from './rate-schedule.js';

/*
 * The simulator's options, written once: this schema gives the TypeScript types, the defaults, the validation and its
 * messages, and (through sim-option-flags.ts) the `sim` command's flags, environment variables and help text.
 */

const retryAfterForms = oneOf(['seconds', 'date', 'none'] as const);
const alreadyMemberStatuses = oneOf([200, 400, 409] as const);

/**
 * The directory the `sim` command serves unless told otherwise, and that examples/by-email.csv is written against
 * (with the default sharedEmails, missingEmails and duplicateGroupNames). `run --sim` should start with it too.
 */
export const DEMO_DIRECTORY = { directoryUsers: 1_000, directoryGroups: 40 } as const;

/** An option with its default, its help line and how the `sim` command takes it. */
function option<T extends z.ZodType>(
  kind: OptionKind<T>,
  defaultValue: z.output<T>,
  help: string,
  command: Pick<OptionFacts, 'flag' | 'env' | 'commandDefault'> = {},
) {
  // zod cannot see that z.output<T> is the default's type while T is generic; the parameter's type says it.
  return registerOption(kind.schema.default(defaultValue as never), { ...kind.facts, help, ...command });
}

export const simOptionsSchema = z.strictObject({
  /** TCP port to listen on. @defaultValue 0 (a free port; the `sim` command uses 8080) */
  port: option(integer(0, 65_535), 0, 'port to listen on (0 = any free port)', { commandDefault: 8080 }),
  /** Interface to bind; loopback so tests never expose the simulator. @defaultValue '127.0.0.1' */
  host: option(text(), '127.0.0.1', 'address to listen on'),
  /** Bearer token the server accepts (required). */
  token: registerOption(text().schema, { ...text().facts, help: 'bearer token accepted', flag: false, env: 'S1_API_TOKEN' }),
  /** Bearer tokens that authenticate but lack permission: answered with 403 instead of 401. @defaultValue [] */
  forbiddenTokens: option(stringList(), [], 'tokens answered 403 (comma-separated)'),
  /** Sliding-window limit: requests admitted in any 1,000 ms window; 0 = unlimited. @defaultValue 0 */
  rate: option(integer(0, 2_000_000), 0, 'requests per second the simulator accepts (0 = unlimited)'),
  /**
   * A moving limit that overrides `rate` while set: `rate:seconds` segments separated by commas, the last one may
   * omit seconds and its rate holds from then on (`150:15,60:15,150`: 150/s for 15 s, 60/s for 15 s, then 150/s;
   * a segment's 0 = unlimited, as for `rate`). Its clock starts at the first API request (not `/_sim/`) after
   * start, reset or a change of this option. Text in; null or '' = none. @defaultValue null
   */
  rateSchedule: option(rateScheduleKind(), null, 'moving limit rate:seconds,... (last may omit seconds; overrides rate)'),
  /** How 429 says Retry-After; 'none' omits the header. @defaultValue 'seconds' */
  retryAfter: option(retryAfterForms, 'seconds', "form of Retry-After on a 429 ('none' omits it)"),
  /** Send RateLimit-* and X-RateLimit-* headers (only while `rate` > 0). @defaultValue false */
  rateLimitHeaders: option(bool(), false, 'send RateLimit-* and X-RateLimit-* headers'),
  /** Added latency per request in ms. @defaultValue 0 */
  latencyMs: option(integer(0, 600_000), 0, 'added latency per request in ms', { flag: 'latency' }),
  /** Uniform jitter +/- this many ms around `latencyMs` (never below 0 ms in total). @defaultValue 0 */
  latencyJitterMs: option(integer(0, 600_000), 0, 'uniform jitter +/- ms around the latency'),
  /** Add `Deprecation: true` and a `Sunset` HTTP-date header to every answer. @defaultValue false */
  deprecation: option(bool(), false, 'add Deprecation and Sunset headers to every answer'),
  /** How to answer when the user is already in the group. @defaultValue 200 */
  onAlreadyMember: option(alreadyMemberStatuses, 200, 'status when the user is already in the group'),
  /**
   * Account users that answer 404. Besides these, any user id whose last block is 9999 (AUSR-dddd-dddd-9999) is
   * unknown. @defaultValue []
   */
  unknownUsers: option(stringList(), [], 'account user ids answered 404 (comma-separated)'),
  /** Groups that answer 404. Besides these, group UGR-9999-9999 is unknown. @defaultValue [] */
  unknownGroups: option(stringList(), [], 'group ids answered 404 (comma-separated)'),
  /** Ids must match the documented patterns (else 400); false accepts any id (for --loose-ids tests). @defaultValue true */
  strictIds: option(bool(), true, 'answer 400 to ids off the documented patterns'),
  /**
   * Account users the seeded directory holds from the start (ids `AUSR-5000-…`, see seed-directory.ts); they page
   * through the list call without being kept in memory. @defaultValue 0 (the `sim` command: 1000)
   */
  directoryUsers: option(integer(0, 10_000_000), 0, 'account users in the seeded directory', { commandDefault: DEMO_DIRECTORY.directoryUsers }),
  /** User groups the seeded directory holds (ids `UGR-6000-…`), listed by the user-groups call. @defaultValue 0 (the `sim` command: 40) */
  directoryGroups: option(integer(0, 10_000), 0, 'user groups in the seeded directory', { commandDefault: DEMO_DIRECTORY.directoryGroups }),
  /** E-mail addresses that two directory users share (user 10j+7 has the address of user 10j+6). @defaultValue 2 */
  sharedEmails: option(integer(0, 10_000), 2, 'e-mail addresses shared by two directory users'),
  /** Directory users without an e-mail (users 10j+3). @defaultValue 3 */
  missingEmails: option(integer(0, 10_000), 3, 'directory users without an e-mail'),
  /** Group names that two directory groups share (group 10j+5 has the name of group 10j+4). @defaultValue 2 */
  duplicateGroupNames: option(integer(0, 1_000), 2, 'group names shared by two directory groups'),
});

/** Options that only take effect at start-up: a run-time patch may not name them. */
export const START_ONLY_OPTIONS = [
  'port',
  'host',
  'token',
  'directoryUsers',
  'directoryGroups',
  'sharedEmails',
  'missingEmails',
  'duplicateGroupNames',
] as const;
type StartOnlyOption = (typeof START_ONLY_OPTIONS)[number];

type ParsedSimOptions = z.output<typeof simOptionsSchema>;
/** Options for {@link startSimulator}; each field's meaning and default are on {@link simOptionsSchema}. */
export type SimOptions = z.input<typeof simOptionsSchema>;
/** The options that can change while the simulator runs. */
export type SimOptionsPatch = Partial<Omit<SimOptions, StartOnlyOption>>;
/** How a 429 states when to come back (RFC 9110 allows delay-seconds or an HTTP-date). */
export type RetryAfterForm = ParsedSimOptions['retryAfter'];
/** How the simulator answers a POST for a membership that already exists; the real S1 behaviour is unknown. */
export type AlreadyMemberStatus = ParsedSimOptions['onAlreadyMember'];
/** Options after validation and defaults; sets replace lists so per-request look-ups are O(1). */
export type ResolvedSimOptions = {
  readonly [K in keyof ParsedSimOptions]: ParsedSimOptions[K] extends string[] ? ReadonlySet<string> : ParsedSimOptions[K];
};

const patchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(simOptionsSchema.shape)
      .filter(([key]) => !(START_ONLY_OPTIONS as readonly string[]).includes(key))
      // A patch changes only what it names: the default must not fill in the rest.
      .map(([key, schema]) => [key, (schema instanceof z.ZodDefault ? schema.unwrap() : schema).optional()]),
  ),
);

/** Validates full options once, at start-up; messages name the option. */
export function resolveSimOptions(options: SimOptions): ResolvedSimOptions {
  if (typeof options !== 'object' || options === null) throw configError('options must be an object');
  const parsed = simOptionsSchema.safeParse(options);
  if (!parsed.success) throw configError(describeIssue(parsed.error.issues[0], 'is not a simulator option'));
  return Object.freeze(withSets(parsed.data) as ResolvedSimOptions);
}

/**
 * Validates a run-time patch (from code or from `POST /_sim/options`) and returns new resolved options.
 * Unknown keys are rejected so a typo in a test does not silently leave the default in force.
 */
export function applySimOptionsPatch(current: ResolvedSimOptions, patch: unknown): ResolvedSimOptions {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw configError('options patch must be an object');
  }
  const parsed = patchSchema.safeParse(patch);
  if (!parsed.success) {
    throw configError(describeIssue(parsed.error.issues[0], 'is not an option that can be changed at run time'));
  }
  const changes = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return Object.freeze({ ...current, ...withSets(changes) } as ResolvedSimOptions);
}

function withSets(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) out[key] = Array.isArray(value) ? new Set(value) : value;
  return out;
}

/**
 * "rate must be an integer from 0 to 2000000": the option's own wording, whatever zod's check failed; an option's
 * own check (a custom issue, e.g. rateSchedule's) adds what it found wrong.
 */
function describeIssue(issue: z.core.$ZodIssue | undefined, unknownKey: string): string {
  if (issue === undefined) return 'options are not valid';
  if (issue.code === 'unrecognized_keys') return `${issue.keys[0] ?? 'an option'} ${unknownKey}`;
  const key = String(issue.path[0] ?? 'options');
  const schema = (simOptionsSchema.shape as Record<string, z.ZodType>)[key];
  const sentence = describeOption(key, schema === undefined ? undefined : optionFacts(schema));
  return issue.code === 'custom' ? `${sentence}: ${issue.message}` : sentence;
}

function configError(message: string): AppError {
  return new AppError('config', `simulator: ${message}`);
}
