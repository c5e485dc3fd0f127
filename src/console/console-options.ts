import { z } from 'zod';
import { AppError } from '../errors.js';

/** How `bulk-assign serve` runs. Resolved once from flags and the environment by {@link resolveConsoleOptions}. */
export interface ConsoleOptions {
  /** TCP port; 0 takes any free port. @defaultValue 8080 (`--port`) */
  readonly port: number;
  /** Address to listen on. @defaultValue '127.0.0.1' (`--host`) */
  readonly host: string;
  /**
   * The secret people log in with and API clients send as `Authorization: Bearer`. Required: the console drives a
   * token that can change every group membership of an account. (env `CONSOLE_TOKEN`)
   */
  readonly token: string;
  /** Largest upload accepted, in MiB; a bigger file is answered 413. @defaultValue 100 (env `CONSOLE_MAX_UPLOAD_MB`) */
  readonly maxUploadMb: number;
  /**
   * Trust `X-Forwarded-*` from a reverse proxy (TLS terminated there: the session cookie is then marked `Secure`).
   * @defaultValue false (env `CONSOLE_TRUST_PROXY=1`)
   */
  readonly trustProxy: boolean;
}

/** Flags of `serve`; undefined means "not given". */
export interface ConsoleFlags {
  port?: string;
  host?: string;
}

const schema = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1),
  CONSOLE_TOKEN: z.string({ error: 'is required: set it to a long random secret (people log in with it)' }).min(16, 'must be at least 16 characters'),
  CONSOLE_MAX_UPLOAD_MB: z.coerce.number().positive().max(100_000).default(100),
  CONSOLE_TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).default('0'),
});

const NAMES: Record<string, string> = { port: '--port', host: '--host' };

/** Validates flags and `CONSOLE_*` variables; a bad value throws AppError('config') naming it, never echoing the token. */
export function resolveConsoleOptions(flags: ConsoleFlags, env: NodeJS.ProcessEnv): ConsoleOptions {
  const input: Record<string, unknown> = { port: flags.port ?? '8080', host: flags.host ?? '127.0.0.1' };
  for (const key of ['CONSOLE_TOKEN', 'CONSOLE_MAX_UPLOAD_MB', 'CONSOLE_TRUST_PROXY']) if (env[key] !== undefined && env[key] !== '') input[key] = env[key];
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'configuration');
    throw new AppError('config', `invalid ${NAMES[key] ?? key}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.port,
    host: e.host,
    token: e.CONSOLE_TOKEN,
    maxUploadMb: e.CONSOLE_MAX_UPLOAD_MB,
    trustProxy: e.CONSOLE_TRUST_PROXY === '1' || e.CONSOLE_TRUST_PROXY === 'true',
  });
}
