import { Redis } from 'ioredis';
import { AppError } from '../errors.js';

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
