import { describe, expect, it } from 'vitest';
import { jitterBackoff } from '../../src/s1/index.js';
import { classifyStatus, groupsContain, isSafeId, parseRetryAfter, problemMessage } from '../../src/s1/index.js';

describe('answer classification (retry rules as data)', () => {
  it.each([
    [200, 'success'],
    [400, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
    [422, 'permanent'],
    [405, 'permanent'],
    [401, 'auth'],
    [403, 'auth'],
    [408, 'transient'],
    [425, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [599, 'transient'],
    [429, 'rate-limited'],
  ])('%i is %s', (status, cls) => expect(classifyStatus(status)).toBe(cls));
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  it('reads delta-seconds and HTTP dates, capped', () => {
    expect(parseRetryAfter('3', 60_000, now)).toBe(3000);
    expect(parseRetryAfter('0', 60_000, now)).toBe(0);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:05 GMT', 60_000, now)).toBe(5000);
    expect(parseRetryAfter('3600', 60_000, now)).toBe(60_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', 60_000, now)).toBe(0);
  });
  it('returns undefined for missing or junk values so the caller backs off', () => {
    for (const v of [undefined, '', 'soon', '-1', '1e3', 'tomorrow']) expect(parseRetryAfter(v, 60_000, now)).toBeUndefined();
  });
});

describe('ids at the URL boundary', () => {
  it.each(['../x', '..', '.', 'a/b', 'a?b', 'a#b', 'a%2f', 'a\\b', 'a b', 'a\tb', 'a\u0000b', '', 'x'.repeat(65)])('refuses %j', (id) => expect(isSafeId(id)).toBe(false));
  it.each(['AUSR-5709-0422-8243', 'UGR-1234-5678', 'user:42@example'])('accepts %j', (id) => expect(isSafeId(id)).toBe(true));
});

describe('bodies', () => {
  it('a 200 applies only when its groups list the group', () => {
    expect(groupsContain({ groups: [{ id: 'UGR-1234-5678' }] }, 'UGR-1234-5678')).toBe(true);
    expect(groupsContain({ groups: [{ id: 'UGR-0000-0000' }] }, 'UGR-1234-5678')).toBe(false);
    expect(groupsContain({}, 'UGR-1234-5678')).toBe(false);
    expect(groupsContain(undefined, 'UGR-1234-5678')).toBe(false);
  });
  it('problem details give detail, else title, with the traceId', () => {
    expect(problemMessage({ title: 'Not Found', detail: 'no such user', traceId: 't1' })).toBe('no such user (traceId t1)');
    expect(problemMessage({ title: 'Bad Request' })).toBe('Bad Request');
    expect(problemMessage('x')).toBeUndefined();
  });
});

describe('backoff', () => {
  it('is full jitter under an exponential ceiling', () => {
    for (let n = 1; n <= 6; n++) {
      for (let i = 0; i < 200; i++) {
        const d = jitterBackoff(n, 100);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(100 * 2 ** (n - 1));
      }
    }
    expect(jitterBackoff(50, 1000)).toBeLessThan(300_000);
  });
});
