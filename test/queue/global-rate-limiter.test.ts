import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInWindow } from '../../src/sim/index.js';
import { GlobalRateLimiter, LimiterClosedError } from '../../src/queue/global-rate-limiter.js';
import { globalKeys } from '../../src/queue/keys.js';
import { loadScripts } from '../../src/queue/scripts.js';
import { redisUrl, uniquePrefix } from '../helpers/test-env.js';

const conns: Redis[] = [];
const conn = () => {
  const r = new Redis(redisUrl());
  conns.push(r);
  return r;
};
beforeAll(() => undefined);
afterAll(() => Promise.all(conns.map((c) => c.quit())));

describe('the global sliding-window limiter', () => {
  it('grants at most `rate` slots in any sliding second across several limiters sharing Redis', async () => {
    const keys = globalKeys(uniquePrefix('rl'));
    const limiters = [0, 1, 2].map(() => new GlobalRateLimiter(loadScripts(conn()), keys, { rate: 20, slackMs: 0 }));
    const grants: number[] = [];
    const t0 = performance.now();
    await Promise.all(limiters.flatMap((l) => Array.from({ length: 25 }, () => l.acquire().then(() => grants.push(performance.now() - t0)))));
    limiters.forEach((l) => l.close());
    grants.sort((a, b) => a - b);
    expect(grants).toHaveLength(75);
    // Grants are observed a little after Redis stamped them, so allow the observation to shift a few ms.
    expect(maxInWindow(grants, 1000 - 15)).toBeLessThanOrEqual(20);
    // 75 slots at 20/s need at least three full windows after the first burst.
    expect(grants[74]! - grants[0]!).toBeGreaterThanOrEqual(3000 - 50);
  });

  it('holds every request while paused (a 429 Retry-After), then lets them through', async () => {
    const keys = globalKeys(uniquePrefix('pause'));
    const limiter = new GlobalRateLimiter(loadScripts(conn()), keys, { rate: 100 });
    await limiter.pause(600);
    const t0 = performance.now();
    await limiter.acquire();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(550);
    limiter.close();
  });

  it('never shortens a longer pause', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('pause2'));
    const limiter = new GlobalRateLimiter(loadScripts(r), keys, { rate: 100 });
    await limiter.pause(5000);
    await limiter.pause(100);
    expect(await r.pttl(keys.ratePause)).toBeGreaterThan(4000);
    limiter.close();
  });

  it('rejects waiters when closed (shutdown) so their jobs go back to the queue unsent', async () => {
    const keys = globalKeys(uniquePrefix('close'));
    const limiter = new GlobalRateLimiter(loadScripts(conn()), keys, { rate: 1 });
    await limiter.acquire();
    const waiting = limiter.acquire();
    limiter.close();
    await expect(waiting).rejects.toBeInstanceOf(LimiterClosedError);
    limiter.close();
  });
});

describe('learning the server limit', () => {
  it('takes an announced limit as it is, and shrinks by a quarter once per window on a bare 429', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('learn'));
    const limiter = new GlobalRateLimiter(loadScripts(r), keys, { rate: 100 });
    expect(await limiter.learn(undefined)).toBe(75);
    // The other 429s of the same overload episode do not shrink it again.
    expect(await limiter.learn(undefined)).toBe(75);
    expect(await limiter.learn(40)).toBe(40);
    expect(Number(await r.hget(keys.rateLearnt, 'limit'))).toBe(40);
    // An announced limit at or above the configured one means "no lower limit known".
    const other = new GlobalRateLimiter(loadScripts(r), keys, { rate: 100 });
    expect(await other.learn(500)).toBe(100);
    expect(await r.exists(keys.rateLearnt)).toBe(0);
    limiter.close();
    other.close();
  });

  it('every limiter sharing Redis follows an announced limit, which holds while the server keeps it', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('learn2'));
    const teacher = new GlobalRateLimiter(loadScripts(r), keys, { rate: 100, coldMs: 0 });
    await teacher.learn(10);
    const follower = new GlobalRateLimiter(loadScripts(conn()), keys, { rate: 100, coldMs: 0 });
    const t0 = performance.now();
    const grants: number[] = [];
    await Promise.all(Array.from({ length: 25 }, () => follower.acquire().then(() => grants.push(performance.now() - t0))));
    grants.sort((a, b) => a - b);
    expect(maxInWindow(grants, 1000 - 15)).toBeLessThanOrEqual(10);
    expect(Number(await r.hget(keys.rateLearnt, 'limit'))).toBe(10);
    teacher.close();
    follower.close();
  });

  it('a limit learnt from bare 429s creeps back up after two windows without one', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('learn3'));
    const limiter = new GlobalRateLimiter(loadScripts(r), keys, { rate: 100, coldMs: 0 });
    expect(await limiter.learn(undefined)).toBe(75);
    await limiter.acquire();
    expect(Number(await r.hget(keys.rateLearnt, 'limit'))).toBe(75);
    await new Promise((res) => setTimeout(res, 2200));
    await limiter.acquire();
    expect(Number(await r.hget(keys.rateLearnt, 'limit'))).toBe(77);
    limiter.close();
  });
});
