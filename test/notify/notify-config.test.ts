import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const env = (vars: Record<string, string>) => ({ ...vars }) as NodeJS.ProcessEnv;
const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretpath';

describe('NOTIFY_URL and NOTIFY_SECRET', () => {
  it('are off by default', () => {
    const c = loadConfig({}, env({}));
    expect(c.notifyUrl).toBeUndefined();
    expect(c.notifySecret).toBeUndefined();
  });

  it('take an http(s) URL with its secret; an empty variable means unset', () => {
    expect(loadConfig({}, env({ NOTIFY_URL: HOOK, NOTIFY_SECRET: 's3cret' }))).toMatchObject({ notifyUrl: HOOK, notifySecret: 's3cret' });
    expect(loadConfig({}, env({ NOTIFY_URL: 'http://127.0.0.1:9000/hook', NOTIFY_SECRET: 'x' })).notifyUrl).toBe('http://127.0.0.1:9000/hook');
    expect(loadConfig({}, env({ NOTIFY_URL: '', NOTIFY_SECRET: '' })).notifyUrl).toBeUndefined();
  });

  it.each([
    [{ NOTIFY_URL: 'ftp://hooks.example.com/XXXXsecretpath', NOTIFY_SECRET: 's' }, /NOTIFY_URL.*http:\/\/ or https:\/\//],
    [{ NOTIFY_URL: 'hooks.example.com/XXXXsecretpath', NOTIFY_SECRET: 's' }, /NOTIFY_URL: not a URL/],
    [{ NOTIFY_URL: 'https://user:XXXXsecretpath@hooks.example.com/', NOTIFY_SECRET: 's' }, /NOTIFY_URL: credentials/],
    [{ NOTIFY_URL: HOOK }, /NOTIFY_SECRET is not set/],
    [{ NOTIFY_URL: HOOK, NOTIFY_SECRET: '' }, /NOTIFY_SECRET is not set/],
  ])('refuses %o with a message naming the setting and never echoing the URL', (vars, message) => {
    expect(() => loadConfig({}, env(vars))).toThrow(message);
    expect(() => loadConfig({}, env(vars))).not.toThrow(/XXXXsecretpath/);
  });
});
