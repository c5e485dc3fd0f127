import { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** The Redis URL without its password, for messages and logs. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the configured REDIS_URL';
  }
}

/**
 * Workers block on Redis and must ride out restarts (`maxRetriesPerRequest: null`, as BullMQ requires); producers
 * and one-shot commands must fail fast with one clear message when Redis is down.
 */
export function createRedis(url: string, role: 'worker' | 'producer', onError?: (err: Error) => void): Redis {
  const redis =
    role === 'worker'
      ? new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true })
      : new Redis(url, {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: true,
          connectTimeout: 3000,
          lazyConnect: true,
          retryStrategy: (times) => (times > 3 ? null : 200 * times),
        });
  // Without a listener ioredis prints every reconnect error with a stack; we report them our way instead.
  redis.on('error', (err: Error) => {
    lastError.set(redis, err);
    onError?.(err);
  });
  return redis;
}

const lastError = new WeakMap<Redis, Error>();

/** Connects (for lazy clients) and pings, turning any failure into AppError('redis'). */
export async function connectRedis(redis: Redis, url: string): Promise<void> {
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const reason = lastError.get(redis)?.message ?? (err instanceof Error ? err.message : String(err));
    throw new AppError('redis', `cannot reach Redis at ${describeRedisUrl(url)} (${reason}): start Redis or set REDIS_URL`, { cause: err });
  }
}

/**
 * BullMQ loses jobs when Redis evicts keys. Returns a warning text when the policy is not `noeviction`, undefined
 * when it is or when the server does not let us ask (managed Redis often disables CONFIG).
 */
export async function evictionPolicyWarning(redis: Redis): Promise<string | undefined> {
  try {
    const res = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = res[1];
    if (policy && policy !== 'noeviction') {
      return `Redis maxmemory-policy is "${policy}": Redis may evict queued jobs and rows would be lost. Set maxmemory-policy noeviction.`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

// Errors that mean "Redis is away for now" rather than "something is wrong": socket-level codes, ioredis' own
// messages for commands on a closed connection, and a Redis still loading its AOF after a restart.
const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
const CONNECTION_ERROR_MESSAGES: readonly RegExp[] = [/Connection is closed/i, /Stream isn't writeable/i, /^LOADING /, /max retries per request/i, /^connect ETIMEDOUT/];

/**
 * BullMQ's error when a job's hash is gone as it moves the job on (finished-errors.js, code -1). Right after an
 * outage that is ioredis re-sending, on reconnect, a command Redis had already run before the connection dropped
 * (the job was finished and removed), not a fault; see errorListener.
 */
const MISSING_JOB_KEY = /^Missing key for job (\S+)\. (\w+)$/;
const AFTER_OUTAGE_MS = 60_000;

/** True when `err` only says Redis cannot be reached right now (see the two lists above). */
export function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && CONNECTION_ERROR_CODES.has(code)) || CONNECTION_ERROR_MESSAGES.some((re) => re.test(err.message));
}

/**
 * What a process says while its Redis is away: ONE warn line when the connection is lost and ONE info line when it
 * is back (with how long it took, how many errors were folded in and the last one), instead of an error per
 * reconnect attempt from every connection and every BullMQ object sharing it.
 */
export interface RedisOutageLog {
  /** Watch an ioredis client: its reconnecting or connection errors open an outage, its `ready` ends it. */
  watch(client: Redis): void;
  /**
   * A listener for the `error` event of a BullMQ Queue, Worker or QueueEvents (and any other source of Redis
   * errors, e.g. the rate limiter's). Connection errors fold into the outage; any other error is logged at error
   * level as `<source> error`, so real failures still show.
   */
  errorListener(source: string): (err: Error) => void;
  /** True between the warn and the info line. */
  readonly down: boolean;
}

/** Creates the outage log of one process; `url` is shown without its password. */
export function createRedisOutageLog(log: Logger, url: string): RedisOutageLog {
  const redis = describeRedisUrl(url);
  const watched = new Set<Redis>();
  let since: number | undefined;
  let folded = 0;
  let lastError: string | undefined;
  let backAt = -Infinity;

  const lost = (reason: string | undefined) => {
    if (since !== undefined) return;
    since = Date.now();
    folded = 0;
    lastError = reason;
    log.warn({ redis, reason }, 'Redis connection lost: workers wait and reconnect, nothing is lost; one line will say when it is back');
  };
  const maybeBack = () => {
    if (since === undefined) return;
    // Every watched client must be usable again, not just the first to reconnect.
    for (const c of watched) if (c.status !== 'ready' && c.status !== 'end') return;
    log.info({ redis, downMs: Date.now() - since, errors: folded, lastError }, 'Redis connection is back');
    since = undefined;
    backAt = Date.now();
  };
  const connectionError = (err: Error) => {
    if (since !== undefined) {
      folded++;
      lastError = err.message;
      return;
    }
    lost(err.message);
    folded = 1;
    // BullMQ's own connections (a Worker's blocking duplicate) can notice first while ours still look ready, and
    // then ours send no 'ready' to end the outage: a PING through them does, as soon as Redis answers (queued
    // until then if it is really down).
    const up = [...watched].find((c) => c.status === 'ready');
    up?.ping().then(maybeBack, () => undefined);
  };

  return {
    watch(client) {
      watched.add(client);
      // Never emitted by quit()/disconnect(): a shutdown is not an outage.
      client.on('reconnecting', () => lost(undefined));
      client.on('error', (err: Error) => (isRedisConnectionError(err) ? connectionError(err) : log.warn({ redis, err: err.message }, 'Redis client error')));
      client.on('ready', maybeBack);
      client.on('end', () => watched.delete(client));
    },
    errorListener(source) {
      return (err: Error) => {
        if (isRedisConnectionError(err)) return connectionError(err);
        const missing = MISSING_JOB_KEY.exec(err.message);
        if (missing && (since !== undefined || Date.now() - backAt < AFTER_OUTAGE_MS)) {
          // A row's outcome is recorded in its batch before its job is moved on, so a job already gone loses nothing.
          log.warn({ jobId: missing[1], command: missing[2] }, 'a job was already gone when it was moved on, just after a Redis outage: Redis ran the move before the connection dropped and it was sent again on reconnect');
          return;
        }
        log.error({ err }, `${source} error`);
      };
    },
    get down() {
      return since !== undefined;
    },
  };
}
