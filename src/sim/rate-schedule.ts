import { z } from 'zod';
import type { OptionKind } from './option-kinds.js';

/** One stretch of a moving limit: `rate` requests per second (0 = unlimited, as for `rate`) for `seconds`. */
export interface RateSegment {
  readonly rate: number;
  /** How long the segment lasts; null for a last segment that holds from then on. */
  readonly seconds: number | null;
}

/**
 * A moving limit, e.g. `150:15,60:15,150`: 150/s for 15 s, then 60/s for 15 s, then 150/s from then on. Its clock
 * starts at the simulator's first API request after start, reset or a change of the schedule (see SimState). After
 * the last segment its rate holds, whether or not that segment names its seconds.
 */
export interface RateSchedule {
  /** The schedule as written (trimmed), for messages and stats. */
  readonly text: string;
  readonly segments: readonly RateSegment[];
}

const MAX_RATE = 2_000_000;
const SEGMENT = /^(\d{1,7}):(\d+(?:\.\d+)?)$|^(\d{1,7})$/;

/** Reads `rate:seconds,...`; returns what is wrong (a phrase naming the segment) when it cannot. */
export function parseRateSchedule(text: string): RateSchedule | string {
  const parts = text.split(',').map((p) => p.trim());
  const segments: RateSegment[] = [];
  for (const [i, part] of parts.entries()) {
    const m = SEGMENT.exec(part);
    const which = `segment ${i + 1} (${JSON.stringify(part)})`;
    if (m === null) return `${which} is not rate:seconds`;
    const last = i === parts.length - 1;
    if (m[3] !== undefined && !last) return `${which} has no seconds; only the last segment may omit them`;
    const rate = Number(m[1] ?? m[3]);
    if (rate > MAX_RATE) return `${which} has a rate above ${MAX_RATE}`;
    const seconds = m[2] === undefined ? null : Number(m[2]);
    if (seconds !== null && seconds <= 0) return `${which} lasts no time`;
    segments.push({ rate, seconds });
  }
  return Object.freeze({ text: parts.join(','), segments: Object.freeze(segments) });
}

/** The rate in force `elapsedMs` after the schedule's clock started (the first segment's before that). */
export function scheduledRate(schedule: RateSchedule, elapsedMs: number): number {
  let end = 0;
  for (const segment of schedule.segments) {
    if (segment.seconds === null) return segment.rate;
    end += segment.seconds * 1000;
    if (elapsedMs < end) return segment.rate;
  }
  return schedule.segments[schedule.segments.length - 1]?.rate ?? 0;
}

/**
 * The option's kind: text in (a flag, a variable, JSON), a parsed {@link RateSchedule} out; null or an empty string
 * mean no schedule.
 */
export function rateScheduleKind() {
  const schema = z
    .string()
    .nullable()
    .transform((text, ctx): RateSchedule | null => {
      if (text === null || text.trim() === '') return null;
      const parsed = parseRateSchedule(text);
      if (typeof parsed !== 'string') return parsed;
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    });
  const kind: OptionKind<typeof schema> = {
    schema,
    facts: {
      must: 'rate:seconds segments separated by commas, the last one may omit seconds (e.g. 150:15,60:15,150)',
      fromText: (t) => t,
      argument: '<rate:s,...>',
    },
  };
  return kind;
}
