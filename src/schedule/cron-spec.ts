import { CronExpressionParser } from 'cron-parser';
import { AppError } from '../errors.js';

/**
 * Returns the canonical spelling of an IANA time zone this Node.js knows (`europe/berlin` -> `Europe/Berlin`), or
 * throws AppError('config').
 */
export function validateTimeZone(tz: string): string {
  if (tz.trim() === '') throw new AppError('config', 'invalid --tz "": give an IANA time zone such as UTC or Europe/Berlin');
  try {
    // Intl is the authority Node uses; it throws RangeError for an unknown zone.
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new AppError('config', `invalid --tz "${tz}": not an IANA time zone; use a name like Europe/Berlin, America/New_York or UTC`);
  }
}

/**
 * Checks a cron pattern the way BullMQ will read it (cron-parser, the parser BullMQ uses) and returns its next run
 * after `from`. Five fields (minute hour day month weekday), six with seconds first, or a predefined `@daily`-style
 * alias; anything else is refused, since cron-parser quietly pads shorter patterns into something else.
 */
export function nextCronRun(pattern: string, tz: string, from: Date = new Date()): Date {
  const fields = pattern.trim().split(/\s+/).length;
  const alias = pattern.trim().startsWith('@');
  if (!alias && fields !== 5 && fields !== 6) {
    throw new AppError('config', `invalid --cron "${pattern}": expected 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "0 2 * * *"`);
  }
  try {
    return CronExpressionParser.parse(pattern, { tz, currentDate: from }).next().toDate();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AppError('config', `invalid --cron "${pattern}": ${why}; e.g. "0 2 * * *" runs every night at 02:00`, { cause: err });
  }
}
