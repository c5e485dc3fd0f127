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

describe('S1_API_TOKEN is cleaned and checked at start-up (issue 15.3, 15.6)', () => {
  const token = 'tok_Abc123-SECRET';
  const tokenOf = (raw: string) => loadConfig({}, env({ S1_API_TOKEN: raw })).apiToken;

  it.each([
    ['a trailing LF (a mounted secret file)', `${token}\n`],
    ['a trailing CRLF (a file saved on Windows)', `${token}\r\n`],
    ['surrounding spaces and tabs', ` \t${token} \t`],
  ])('trims %s', (_, raw) => {
    expect(tokenOf(raw)).toBe(token);
  });

  it('trims a flag value too', () => {
    expect(loadConfig({ apiToken: `${token}\n` }, env({})).apiToken).toBe(token);
  });

  it('treats a token of only whitespace as unset, so requireToken says it is missing', () => {
    expect(tokenOf('\n')).toBeUndefined();
    expect(() => requireToken(loadConfig({}, env({ S1_API_TOKEN: ' \r\n' })))).toThrow(/S1_API_TOKEN is not set/);
  });

  it.each([
    ['an inner LF', `tok_Abc\n123-SECRET`],
    ['an inner CRLF', `tok_Abc\r\n123-SECRET`],
    ['\\x01', `tok_Abc\u0001123-SECRET`],
    ['DEL (\\x7f)', `tok_Abc123-SECRET\u007f`],
    ['an inner tab', `tok_Abc\t123-SECRET`],
  ])('refuses a token with %s, naming S1_API_TOKEN and never echoing it', (_, raw) => {
    const err = catchError(() => tokenOf(raw));
    expect(err).toMatchObject({ code: 'config' });
    expect(err.message).toMatch(/^invalid S1_API_TOKEN: it contains a control character/);
    expectNoPartOf(raw, err.message);
  });

  it('refuses a 20 KB token (every request would fail 431) and accepts one of 4096 bytes', () => {
    const huge = `tok_${'A'.repeat(20 * 1024)}_SECRET`;
    const err = catchError(() => tokenOf(huge));
    expect(err.message).toMatch(/^invalid S1_API_TOKEN: it is 20491 bytes long, more than the 4096/);
    expectNoPartOf(huge, err.message);
    expect(tokenOf('T'.repeat(4096))).toHaveLength(4096);
    // Bytes, not characters: what goes on the wire.
    expect(() => tokenOf('é'.repeat(2049))).toThrow(/4098 bytes/);
  });
});

function catchError(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error');
}

/** No run of 6 characters of the secret appears in the text (the fixed words of the message are shorter). */
function expectNoPartOf(secret: string, text: string): void {
  const parts = secret.split(/\p{Cc}/u).filter((p) => p.length >= 6);
  for (const part of parts) for (let i = 0; i + 6 <= part.length; i++) expect(text).not.toContain(part.slice(i, i + 6));
}
