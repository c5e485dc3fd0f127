import { z } from 'zod';

/**
 * What a schedule does at each tick. Stored as the BullMQ job scheduler's template data, so every tick job carries
 * the definition that was current when it was made (`schedule set` again replaces the waiting tick). Holds no
 * secret: a header value is named by an environment variable and read by the worker at tick time.
 */
export interface ScheduleDefinition {
  /** Format version of this record. */
  v: 1;
  /** The schedule's name (also the job scheduler id and the stem of its batch ids). */
  name: string;
  /** An absolute file path, a directory (its newest `*.csv` is read) or an http(s) URL. */
  source: string;
  /**
   * `full` sends every row; `changes` sends only pairs that are new since the last finished batch of this schedule
   * or did not end assigned (or already in place) there.
   * @defaultValue 'full'
   */
  mode: 'full' | 'changes';
  /** Read current memberships from S1 at tick time and record pairs already in place without a call. @defaultValue false */
  skipExisting: boolean;
  /** Accept any safe id, not only the documented AUSR-/UGR- shapes. @defaultValue false */
  looseIds: boolean;
  /**
   * For URL sources: the name of an environment variable of the *worker* whose value is sent as the header
   * `headerName`. The value itself is never stored or logged.
   * @defaultValue no header
   */
  headerEnv?: string;
  /** The header that carries `headerEnv`'s value. @defaultValue 'Authorization' */
  headerName?: string;
}

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

const definitionSchema = z.object({
  v: z.literal(1),
  name: z.string().min(1),
  source: z.string().min(1),
  mode: z.enum(['full', 'changes']),
  skipExisting: z.boolean(),
  looseIds: z.boolean(),
  headerEnv: z.string().regex(ENV_NAME_PATTERN).optional(),
  headerName: z.string().regex(HEADER_NAME_PATTERN).optional(),
});

/** Reads a definition back from job data (it crossed Redis, so it is checked again); undefined when malformed. */
export function parseScheduleDefinition(data: unknown): ScheduleDefinition | undefined {
  const res = definitionSchema.safeParse(data);
  return res.success ? res.data : undefined;
}

/** True for sources read over HTTP. */
export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** A URL as it may appear in logs and batch records: no user info, no query or fragment (they may hold secrets). */
export function describeSource(source: string): string {
  if (!isUrlSource(source)) return source;
  try {
    const u = new URL(source);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return 'an unparsable URL';
  }
}
