import { describe, expect, it } from 'vitest';
import { loadConfig, requireToken } from '../../src/config/index.js';

const env = (vars: Record<string, string>) => ({ ...vars }) as NodeJS.ProcessEnv;

describe('configuration is validated once, with messages naming the setting', () => {
  it('has the documented defaults and is frozen', () => {
    const c = loadConfig({}, env({}));
    expect(c).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', apiUrl: 'https://api.s1.today', rateLimit: 10, timeoutMs: 15000, maxAttempts: 5, reportDir: 'reports', prefix: '{bulk-assign}', concurrency: 20 });
    expect(c.apiToken).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('flags override the environment', () => {
    const c = loadConfig({ rateLimit: '50', concurrency: '3' }, env({ S1_RATE_LIMIT: '5', S1_CONCURRENCY: '9' }));
    expect(c).toMatchObject({ rateLimit: 50, concurrency: 3 });
  });

  it('derives concurrency from the rate when unset', () => {
    expect(loadConfig({}, env({ S1_RATE_LIMIT: '100' })).concurrency).toBe(200);
    expect(loadConfig({}, env({ S1_RATE_LIMIT: '1' })).concurrency).toBe(4);
  });

  it.each([
    [{ S1_RATE_LIMIT: 'fast' }, /S1_RATE_LIMIT/],
    [{ S1_RATE_LIMIT: '0' }, /S1_RATE_LIMIT/],
    [{ S1_RATE_LIMIT: '0.5' }, /S1_RATE_LIMIT/],
    [{ S1_MAX_ATTEMPTS: '0' }, /S1_MAX_ATTEMPTS/],
    [{ S1_TIMEOUT_MS: '-5' }, /S1_TIMEOUT_MS/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL.*redis:\/\//],
    [{ S1_API_URL: 'ftp://x' }, /S1_API_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ QUEUE_PREFIX: 'a:b' }, /QUEUE_PREFIX/],
  ])('rejects %o', (vars, message) => {
    expect(() => loadConfig({}, env(vars))).toThrow(message);
  });

  it('never echoes a secret: no token, and a Redis URL without its password', () => {
    expect(() => loadConfig({}, env({ REDIS_URL: 'http://user:hunter2@redis:6379' }))).toThrow(/REDIS_URL.*"http:\/\/user:\*\*\*@redis:6379"/);
    expect(() => loadConfig({}, env({ REDIS_URL: 'http://user:hunter2@redis:6379' }))).not.toThrow(/hunter2/);
    const c = loadConfig({}, env({ S1_API_TOKEN: 'super-secret-value' }));
    expect(requireToken(c)).toBe('super-secret-value');
    expect(() => requireToken(loadConfig({}, env({})))).toThrow(/S1_API_TOKEN is not set/);
  });

  it('treats empty variables as unset (docker-compose passes them through empty)', () => {
    expect(loadConfig({}, env({ S1_CONCURRENCY: '', S1_RATE_LIMIT: '' })).rateLimit).toBe(10);
  });
});
