import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../errors.js';
import { nextCronRun, validateTimeZone } from './cron-spec.js';
import { ENV_NAME_PATTERN, HEADER_NAME_PATTERN, isUrlSource, type ScheduleDefinition } from './schedule-definition.js';
import { validateScheduleName } from './schedule-name.js';

/** `schedule set` as typed: flags before validation. */
export interface ScheduleInput {
  /** The schedule's name. */
  name: string;
  /** Cron pattern: 5 fields, or 6 with seconds first. */
  cron: string;
  /** IANA time zone the pattern is read in. @defaultValue 'UTC' (the same on every machine, whatever its TZ) */
  tz?: string;
  /** File, directory or http(s) URL. Relative paths are made absolute against `cwd`. */
  source: string;
  /** @defaultValue 'full' */
  mode?: string;
  /** @defaultValue false */
  skipExisting?: boolean;
  /** @defaultValue false */
  looseIds?: boolean;
  /** Environment variable (of the workers) whose value is sent as a header to a URL source. @defaultValue none */
  headerEnv?: string;
  /** @defaultValue 'Authorization' */
  headerName?: string;
}

/** A validated schedule: the definition the ticks carry, plus when and where it runs. */
export interface ResolvedSchedule {
  definition: ScheduleDefinition;
  cron: string;
  tz: string;
  /** The next run computed at validation time. */
  next: Date;
  /** Things worth telling the person (not errors), e.g. "the path does not exist here yet". */
  notes: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Validates `schedule set` input once; every message names the flag to fix. */
export function resolveSchedule(input: ScheduleInput, cwd = process.cwd()): ResolvedSchedule {
  const name = validateScheduleName(input.name);
  const tz = validateTimeZone(input.tz ?? 'UTC');
  const cron = input.cron.trim();
  const next = nextCronRun(cron, tz);
  const mode = input.mode ?? 'full';
  if (mode !== 'full' && mode !== 'changes') throw new AppError('config', `invalid --mode "${mode}": use full or changes`);
  const notes: string[] = [];

  let source: string;
  if (isUrlSource(input.source)) {
    let url: URL;
    try {
      url = new URL(input.source);
    } catch {
      throw new AppError('config', `invalid --source "${input.source}": not a valid URL`);
    }
    if (url.username || url.password) {
      throw new AppError('config', 'invalid --source: credentials in the URL would be stored in Redis; put them in an environment variable and pass --header-env');
    }
    if (input.headerEnv !== undefined && url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
      throw new AppError('config', `refusing --header-env over plain http to ${url.host}: use an https:// source`);
    }
    source = url.toString();
  } else {
    if (input.source.trim() === '') throw new AppError('config', 'invalid --source "": give a file, a directory or an http(s) URL');
    if (input.headerEnv !== undefined) throw new AppError('config', '--header-env applies to http(s) sources only');
    source = resolve(cwd, input.source);
    if (!existsSync(source)) notes.push(`${source} does not exist on this machine (yet); workers must be able to read it at tick time`);
  }

  if (input.headerEnv !== undefined && !ENV_NAME_PATTERN.test(input.headerEnv)) {
    throw new AppError('config', `invalid --header-env "${input.headerEnv}": give the name of an environment variable (letters, digits, _), not its value`);
  }
  if (input.headerName !== undefined) {
    if (input.headerEnv === undefined) throw new AppError('config', '--header-name needs --header-env (the variable holding its value)');
    if (!HEADER_NAME_PATTERN.test(input.headerName)) throw new AppError('config', `invalid --header-name "${input.headerName}": not an HTTP header name`);
  }

  const definition: ScheduleDefinition = {
    v: 1,
    name,
    source,
    mode,
    skipExisting: input.skipExisting ?? false,
    looseIds: input.looseIds ?? false,
    ...(input.headerEnv !== undefined ? { headerEnv: input.headerEnv } : {}),
    ...(input.headerName !== undefined ? { headerName: input.headerName } : {}),
  };
  return { definition, cron, tz, next, notes };
}
