import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { AppError } from '../errors.js';
import { newestCsv } from './newest-csv.js';
import { describeSource, isUrlSource, type ScheduleDefinition } from './schedule-definition.js';

/** How a tick reads its source. */
export interface KeepSourceOptions {
  /** Where the copy goes (e.g. `REPORT_DIR/<batch>/source.csv`); an existing copy is reused as it is. */
  dest: string;
  /** Environment the header value is read from (the worker's). @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** Longest a download may take, headers and body together, in ms. @defaultValue 120000 */
  timeoutMs?: number;
  /** Aborts a download (worker shutdown). @defaultValue none */
  signal?: AbortSignal;
}

/** What was read. */
export interface SourceCopy {
  /** The stable local copy the import reads (both passes). */
  path: string;
  /** Where it came from, safe to log: for a directory the file chosen, for a URL no query or credentials. */
  origin: string;
  /** True when an earlier run of the same tick had already made the copy. */
  reused: boolean;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

const sourceError = (origin: string, problem: string, cause?: unknown) => new AppError('io', `source ${origin}: ${problem}`, { cause });

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
};

/**
 * Reads a schedule's source once into a local copy, so that the import's two passes (and a re-run of the same tick)
 * read one stable file even if the source changes meanwhile. The copy appears atomically (temp name, then rename).
 * Every failure is an AppError('io') whose message starts `source <origin>:` and never contains a header value.
 */
export async function keepSourceCopy(def: ScheduleDefinition, options: KeepSourceOptions): Promise<SourceCopy> {
  const { dest } = options;
  const origin = describeSource(def.source);
  if (await exists(dest)) return { path: dest, origin, reused: true };
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${randomBytes(4).toString('hex')}`;
  try {
    const chosen = isUrlSource(def.source) ? await download(def, origin, tmp, options) : await copyLocal(def.source, tmp);
    await rename(tmp, dest);
    return { path: dest, origin: chosen, reused: false };
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

async function copyLocal(source: string, tmp: string): Promise<string> {
  let file = source;
  try {
    if ((await stat(source)).isDirectory()) {
      const newest = await newestCsv(source);
      if (!newest) throw sourceError(source, 'no *.csv file in the directory');
      file = newest;
    }
    await copyFile(file, tmp);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw sourceError(file, (code && FS_REASONS[code]) ?? (err as Error).message, err);
  }
  return file;
}

async function download(def: ScheduleDefinition, origin: string, tmp: string, options: KeepSourceOptions): Promise<string> {
  const headers: Record<string, string> = { accept: 'text/csv, text/plain;q=0.9, */*;q=0.1' };
  if (def.headerEnv !== undefined) {
    const value = (options.env ?? process.env)[def.headerEnv];
    if (!value) throw sourceError(origin, `environment variable ${def.headerEnv} (--header-env) is not set in this worker`);
    headers[(def.headerName ?? 'Authorization').toLowerCase()] = value;
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  try {
    const res = await request(def.source, { method: 'GET', headers, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    if (res.statusCode < 200 || res.statusCode > 299) {
      await res.body.dump().catch(() => undefined);
      const hint = res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed: give the final URL)' : res.statusCode === 401 || res.statusCode === 403 ? ' (check the variable named by --header-env)' : '';
      throw sourceError(origin, `HTTP ${res.statusCode}${hint}`);
    }
    await pipeline(res.body, createWriteStream(tmp));
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (deadline.aborted) throw sourceError(origin, `no complete answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`, err);
    const e = err as NodeJS.ErrnoException;
    // Transport messages name hosts and codes, never request headers.
    throw sourceError(origin, `${e.code ? `${e.code}: ` : ''}${e.message}`.replace(/\s+/g, ' '), err);
  }
  return origin;
}
