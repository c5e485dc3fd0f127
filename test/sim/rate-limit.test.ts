import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { problem, startHarness, type Harness, type Reply } from './sim-harness.js';

function burst(h: Harness, n: number, offset = 0): Promise<Reply[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      h.assign(`AUSR-1000-0000-${String(offset + i).padStart(4, '0')}`, { id: 'UGR-1234-5678' }),
    ),
  );
}

const statuses = (replies: Reply[]): number[] => replies.map((r) => r.status).sort();

describe('simulator rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(() => {
    h.sim.reset();
    h.sim.setOptions({ rate: 0, retryAfter: 'seconds', rateLimitHeaders: false });
  });
  afterAll(async () => {
    await h.close();
  });

  it('accepts exactly N of N+5 concurrent requests and answers the rest 429', async () => {
    h.sim.setOptions({ rate: 20 });
    const replies = await burst(h, 25);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(20);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(5);
    expect(h.sim.memberships().size).toBe(20);
    expect(h.sim.stats().maxInAnySecond).toBe(25); // all POSTs count, whatever the answer
  });

  it('says Retry-After in whole seconds, with problem details', async () => {
    h.sim.setOptions({ rate: 2 });
    const replies = await burst(h, 3);
    const limited = replies.find((r) => r.status === 429);
    expect(limited?.headers['retry-after']).toBe('1');
    expect(limited?.headers['content-type']).toBe('application/problem+json');
    expect(problem(limited?.json).status).toBe(429);
  });

  it('says Retry-After as an HTTP date when configured', async () => {
    h.sim.setOptions({ rate: 1, retryAfter: 'date' });
    const replies = await burst(h, 2);
    const header = replies.find((r) => r.status === 429)?.headers['retry-after'];
    expect(header).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const delta = Date.parse(String(header)) - Date.now();
    expect(delta).toBeGreaterThan(-1000);
    expect(delta).toBeLessThanOrEqual(2000);
  });

  it('omits Retry-After when configured with none', async () => {
    h.sim.setOptions({ rate: 1, retryAfter: 'none' });
    const replies = await burst(h, 2);
    const limited = replies.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expect(limited?.headers['retry-after']).toBeUndefined();
  });

  it('sends RateLimit-* and X-RateLimit-* headers when asked', async () => {
    h.sim.setOptions({ rate: 5, rateLimitHeaders: true });
    const r = await h.assign('AUSR-1000-0000-0001', { id: 'UGR-1234-5678' });
    expect(r.headers['ratelimit-limit']).toBe('5');
    expect(r.headers['ratelimit-remaining']).toBe('4');
    expect(r.headers['ratelimit-reset']).toBe('1');
    expect(r.headers['x-ratelimit-limit']).toBe('5');
    expect(r.headers['x-ratelimit-remaining']).toBe('4');
    expect(Number(r.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('frees slots as the window slides, and 429s did not use any up', async () => {
    h.sim.setOptions({ rate: 3 });
    expect(statuses(await burst(h, 5))).toEqual([200, 200, 200, 429, 429]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(statuses(await burst(h, 4, 100))).toEqual([200, 200, 200, 429]);
  });

  it('limits the list call too, from the same window', async () => {
    h.sim.setOptions({ rate: 1 });
    expect((await h.assign('AUSR-1000-0000-0001', { id: 'UGR-1234-5678' })).status).toBe(200);
    expect((await h.call('GET', '/public/v1/accounts/account-users')).status).toBe(429);
  });
});
