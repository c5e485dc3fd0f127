import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalKeys } from '../../src/queue/keys.js';
import { OutboundRateLimiter } from '../../src/queue/outbound-rate-limiter.js';
import { maxInWindow } from '../../src/sim/index.js';
import { startFaultRedis, type FaultRedis } from './harness/fault-redis.js';

const RATE = 20;

let redis: FaultRedis;
beforeAll(async () => {
  redis = await startFaultRedis();
});
afterAll(() => redis.close());

// The soak saw up to 596-712 POSTs in one second with S1_RATE_LIMIT=400 across a Redis SIGKILL + AOF restart:
// `everysec` loses up to the last second of the shared log, and the slots it forgot were granted again at once.
describe('the global limit across a Redis restart', () => {
  it('grants no more than the limit in any sliding second when Redis comes back without the log of the last second', async () => {
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const limiter = new OutboundRateLimiter(conn, globalKeys('restart'), { rate: RATE, slackMs: 0 });
    const grants: number[] = [];
    const take = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          limiter.acquire().then(() => {
            grants.push(Math.round(performance.now() * 1000));
          }),
        ),
      );
    try {
      await take(RATE); // the window is full
      // The worst case of a lost tail: Redis back with none of the log (as without persistence).
      await redis.restart({ empty: true });
      await take(RATE);
      expect(grants).toHaveLength(2 * RATE);
      expect(maxInWindow(grants.sort((a, b) => a - b), 1_000_000)).toBeLessThanOrEqual(RATE);
    } finally {
      limiter.close();
      conn.disconnect();
    }
  });
});
