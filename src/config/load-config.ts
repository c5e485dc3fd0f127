import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { cleanApiToken } from './api-token.js';
import type { Config } from './config.js';
import { parseNotifySettings } from './notify-settings.js';

/** Flags that override the environment; undefined means "not given". */
export interface ConfigOverrides {
  redisUrl?: string;
  apiUrl?: string;
  apiToken?: string;
  rateLimit?: string | number;
  concurrency?: string | number;
  reportDir?: string;
  logLevel?: string;
  /** QUEUE_PREFIX (the demo's own, derived from the configured one). */
  prefix?: string;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// Each key is the env var's name, so zod's issue path names exactly what the user must fix.
const schema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().min(1).regex(/^[^:\s]+$/, 'may not contain ":" or whitespace').default('{bulk-assign}'),
  S1_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.s1.today'),
  S1_API_TOKEN: z.string().min(1).optional(),
  S1_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  S1_RATE_SLACK_MS: int(0, 1000).default(25),
  S1_CONCURRENCY: int(1, 5000).optional(),
  S1_TIMEOUT_MS: int(100, 600_000).default(15_000),
  S1_MAX_ATTEMPTS: int(1, 100).default(5),
  S1_BACKOFF_MS: int(0, 3_600_000).default(1000),
  S1_RETRY_AFTER_MAX_MS: int(0, 3_600_000).default(60_000),
  S1_MAX_RATE_LIMITED: int(1, 10_000).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REPORT_DIR: z.string().min(1).default('reports'),
  BATCH_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
  WORKER_LOCK_MS: int(500, 600_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: int(500, 600_000).default(30_000),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  METRICS_PORT: int(1, 65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  ALLOW_EVICTION: z.enum(['0', '1', 'false', 'true'], 'must be 1 or 0').default('0'),
  KEEP_FAILED_JOBS_HOURS: z.coerce.number().min(0).max(24 * 90).default(24),
  // Checked by parseNotifySettings, which never echoes them.
  NOTIFY_URL: z.string().optional(),
  NOTIFY_SECRET: z.string().optional(),
});

const FLAG_NAMES: Record<string, string> = {
  REDIS_URL: 'REDIS_URL',
  S1_API_URL: 'S1_API_URL',
  S1_RATE_LIMIT: 'S1_RATE_LIMIT / --rate',
  S1_CONCURRENCY: 'S1_CONCURRENCY / --concurrency',
  REPORT_DIR: 'REPORT_DIR / --out',
};

/**
 * Reads `.env` (if present, never overriding the real environment), applies flag overrides, validates everything
 * once and returns a frozen Config. Throws AppError('config') whose message names the offending setting and never
 * echoes the token.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env) loadDotenv({ quiet: true });
  const input: Record<string, unknown> = { ...env };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) input[key] = value;
  };
  set('REDIS_URL', overrides.redisUrl);
  set('S1_API_URL', overrides.apiUrl);
  set('S1_API_TOKEN', overrides.apiToken);
  set('S1_RATE_LIMIT', overrides.rateLimit);
  set('S1_CONCURRENCY', overrides.concurrency);
  set('REPORT_DIR', overrides.reportDir);
  set('LOG_LEVEL', overrides.logLevel);
  set('QUEUE_PREFIX', overrides.prefix);
  // Checked apart from the schema, so no zod message can ever carry the token's value.
  input.S1_API_TOKEN = cleanApiToken(typeof input.S1_API_TOKEN === 'string' ? input.S1_API_TOKEN : undefined);
  // An empty variable means "unset" for optional settings (common in docker-compose files).
  for (const key of Object.keys(schema.shape)) if (input[key] === '') delete input[key];

  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'configuration');
    // Values are echoed to help, except secrets: the token never, a URL only without its password.
    const raw = input[key];
    const shown = key === 'S1_API_TOKEN' || raw === undefined ? '' : ` (got ${JSON.stringify(key === 'REDIS_URL' ? maskUrl(String(raw)) : raw)})`;
    throw new AppError('config', `invalid ${FLAG_NAMES[key] ?? key}: ${issue?.message ?? 'invalid'}${shown}`);
  }
  const e = parsed.data;
  const notify = parseNotifySettings(e.NOTIFY_URL, e.NOTIFY_SECRET);
  const rateLimit = e.S1_RATE_LIMIT;
  return Object.freeze({
    redisUrl: e.REDIS_URL,
    prefix: e.QUEUE_PREFIX,
    apiUrl: e.S1_API_URL.replace(/\/+$/, ''),
    apiToken: e.S1_API_TOKEN,
    rateLimit,
    rateSlackMs: e.S1_RATE_SLACK_MS,
    concurrency: e.S1_CONCURRENCY ?? Math.min(500, Math.max(4, Math.ceil(rateLimit * 2))),
    timeoutMs: e.S1_TIMEOUT_MS,
    maxAttempts: e.S1_MAX_ATTEMPTS,
    backoffMs: e.S1_BACKOFF_MS,
    retryAfterMaxMs: e.S1_RETRY_AFTER_MAX_MS,
    maxRateLimited: e.S1_MAX_RATE_LIMITED,
    logLevel: e.LOG_LEVEL,
    reportDir: e.REPORT_DIR,
    batchRetentionDays: e.BATCH_RETENTION_DAYS,
    lockDurationMs: e.WORKER_LOCK_MS,
    stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    notifyUrl: notify.notifyUrl,
    notifySecret: notify.notifySecret,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    allowEviction: e.ALLOW_EVICTION === '1' || e.ALLOW_EVICTION === 'true',
    keepFailedJobsHours: e.KEEP_FAILED_JOBS_HOURS,
  });
}

function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

/** BATCH_RETENTION_DAYS in whole seconds, as Redis expiries take it. */
export function retentionSeconds(config: Config): number {
  return Math.round(config.batchRetentionDays * 86_400);
}

/** The token is required only by commands that call the API; they ask for it here. */
export function requireToken(config: Config): string {
  if (!config.apiToken) throw new AppError('config', 'S1_API_TOKEN is not set: export the API token of the S1 account (or put it in .env)');
  return config.apiToken;
}
