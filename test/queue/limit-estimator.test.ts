import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { globalKeys } from '../../src/queue/keys.js';
import { AHEAD_FROM, OutboundRateLimiter, type OutboundRateLimiterOptions } from '../../src/queue/outbound-rate-limiter.js';
import type { WireObserver } from '../../src/s1/index.js';
import { redisUrl, uniquePrefix } from '../helpers/test-env.js';

// The estimator of issue 16 at the Redis level: the learnt-limit state is set or read directly, with times taken
// from Redis' own clock, so every rule is checked on exact figures and nothing waits for time to pass.

const conns: Redis[] = [];
const limiters: OutboundRateLimiter[] = [];
afterAll(async () => {
  for (const l of limiters) l.close();
  await Promise.all(conns.map((c) => c.quit()));
});

function setup(name: string, options: Partial<OutboundRateLimiterOptions> = {}) {
  const r = new Redis(redisUrl());
  conns.push(r);
  const keys = globalKeys(uniquePrefix(name));
  const changes: Array<[number, string]> = [];
  // A 10 s window: every request of a test is inside one window however slowly the machine runs. A clock that
  // stands still unless a test moves it: a slot's send and a 429's measurement then both sit at the moment Redis runs
  // the call. With the real clock each is placed by its own age on arrival, and a re-stamp that waited in a busy
  // event loop longer than the learn call after it landed more than the slack after the 429 (CI measured 1, not 20).
  const limiter = new OutboundRateLimiter(r, keys, { rate: 1000, windowMs: 10_000, clock: () => 1000, onLimitChange: (l, why) => changes.push([l, why]), ...options });
  limiters.push(limiter);
  /** Redis' clock in µs, the one the scripts stamp with. */
  const nowUs = async () => {
    const [s, us] = await r.time();
    return Number(s) * 1_000_000 + Number(us);
  };
  /** n requests sent at once: n slots granted, each marked as written to the socket. */
  const send = async (n: number): Promise<WireObserver[]> => {
    const slots = await Promise.all(Array.from({ length: n }, () => limiter.acquire()));
    for (const s of slots) s.sent();
    return slots;
  };
  const state = async () => r.hgetall(keys.rateLearnt);
  const history = async () => (await r.lrange(keys.rateHistory, 0, -1)).map((e) => JSON.parse(e) as { at: number; limit: number; why: string });
  /** Sets the learnt-limit hash (a limit set is one already told), with `ago` fields given as µs before Redis' now. */
  const setState = async (fields: Record<string, string | number>, ago: Record<string, number> = {}) => {
    const now = await nowUs();
    const told = fields.limit === undefined ? {} : { told: fields.limit };
    await r.hset(keys.rateLearnt, { ...told, ...fields, ...Object.fromEntries(Object.entries(ago).map(([k, us]) => [k, now - us])) });
    await r.pexpire(keys.rateLearnt, 60_000);
  };
  return { r, keys, limiter, changes, send, state, history, setState };
}

describe('measuring the server limit from a bare 429', () => {
  it('takes the requests sent in the window before the rejected one, less those rejected, as the limit', async () => {
    const t = setup('measure');
    const accepted = await t.send(40);
    expect(accepted).toHaveLength(40);
    const [first, second] = await t.send(2);
    // The first 429's answer: 42 sent up to it (its own round counts), one of them known rejected.
    expect(await t.limiter.learn(undefined, first)).toBe(41);
    // The second 429 of the same burst knows both rejections: the server had accepted 40.
    expect(await t.limiter.learn(undefined, second)).toBe(40);
    // The burst's measurements are told once it is over, at the next grant: one line, one history entry.
    expect(t.changes).toEqual([]);
    await t.send(1);
    expect(t.changes).toEqual([[40, 'measured']]);
    await t.send(1);
    expect(t.changes).toHaveLength(1);
    // The first 429 alone, so far below the configured 1000/s, was taken as a dip; the second confirms the limit.
    expect(await t.state()).toMatchObject({ limit: '40', ceiling: '40' });
    expect((await t.state()).provisional).toBeUndefined();
    expect((await t.history()).map((h) => [h.limit, h.why])).toEqual([[40, 'measured']]);
  });

  it('never raises the limit on a measurement above it (the window still holds what an older limit let through)', async () => {
    const t = setup('stale');
    const slots = await t.send(30);
    await t.setState({ limit: 20, ceiling: 20 });
    expect(await t.limiter.learn(undefined, slots[29])).toBe(20);
    expect(t.changes).toEqual([]);
    expect((await t.state()).last429).toBeDefined();
  });

  it('never goes below 1/s, and takes a lone 429 far below the limit as a dip from it (probed back soon)', async () => {
    const t = setup('lone');
    const [only] = await t.send(1);
    expect(await t.limiter.learn(undefined, only)).toBe(1);
    expect(await t.state()).toMatchObject({ limit: '1', ceiling: '1000', provisional: '1', dipGap: '3000000' });
  });

  it('counts rounds already trimmed from the log: the tail keeps the rest of the window before a late 429', async () => {
    let clock = 1000;
    // Below the limit at which slots are granted ahead: the next row must make a grant call, the one that trims.
    const t = setup('tail', { rate: AHEAD_FROM - 1, windowMs: 1000, clock: () => clock });
    const redisNow = async () => Number((await t.r.time())[0]) * 1_000_000 + Number((await t.r.time())[1]);
    // Granted, and left with their grant stamps (no re-stamp of a send can race the back-dating below).
    await Promise.all(Array.from({ length: 30 }, () => t.limiter.acquire()));
    const burst = await t.r.zrange(t.keys.rateLog, 0, -1);
    // Those 30 (in a round or two) went out 1.1 s ago: the next grant trims them from the log (1 s + slack) into
    // its tail.
    for (const round of burst) await t.r.zadd(t.keys.rateLog, 'XX', (await redisNow()) - 1_100_000, round);
    const [rejected] = await Promise.all([t.limiter.acquire()]);
    expect(await t.r.zrange(t.keys.rateTail, 0, -1)).toEqual(burst);
    // That request went out 0.1 s after the 30 and its 429 comes back a second later: the 30 were in its window.
    // Its round is back-dated with it (a re-stamp never moves a stamp earlier than its grant, here the present).
    rejected!.sent();
    clock += 1000;
    const own = (await t.r.zrange(t.keys.rateLog, -1, -1))[0]!;
    await t.r.zadd(t.keys.rateLog, 'XX', (await redisNow()) - 1_000_000, own);
    expect(await t.limiter.learn(undefined, rejected)).toBe(30);
  });
  it('places a late-answered 429 where the log stamps its round, so rounds stamped late by slow answers still count', async () => {
    let clock = 1000;
    const t = setup('late-answers', { windowMs: 5000, clock: () => clock });
    const slots = await Promise.all(Array.from({ length: 31 }, () => t.limiter.acquire()));
    for (const s of slots) s.sent();
    // Every answer comes 300 ms after its send (a busy machine): each round's stamp moves to its answer less the
    // slack. Measured from the rejected request's send instead, the 30 accepted rounds would fall after its window.
    clock += 300;
    for (const s of slots) s.answered();
    expect(await t.limiter.learn(undefined, slots[30])).toBe(30);
  });
});

describe('probing a learnt limit upward', () => {
  it('probes a dip back to the ceiling after 3 s without a 429, not before', async () => {
    const t = setup('dip');
    await t.setState({ limit: 50, ceiling: 200 }, { changedAt: 4_000_000, last429: 1_000_000 });
    await t.send(1);
    expect((await t.state()).limit).toBe('50');
    await t.setState({}, { last429: 3_100_000 });
    await t.send(1);
    expect(await t.state()).toMatchObject({ limit: '200', probing: 'dip', peak: expect.any(String) });
    expect(t.changes).toEqual([[200, 'probe']]);
  });

  it('probes a quarter above the ceiling after 30 s without a 429; at the configured limit it forgets what it learnt', async () => {
    const t = setup('up');
    await t.setState({ limit: 200, ceiling: 200 }, { changedAt: 40_000_000, last429: 29_000_000 });
    await t.send(1);
    expect((await t.state()).limit).toBe('200');
    await t.setState({}, { last429: 31_000_000 });
    await t.send(1);
    expect(await t.state()).toMatchObject({ limit: '250', probing: 'up' });

    const c = setup('up-to-configured', { rate: 240 });
    await c.setState({ limit: 200, ceiling: 200 }, { changedAt: 40_000_000, last429: 31_000_000 });
    await c.send(1);
    expect(await c.r.exists(c.keys.rateLearnt)).toBe(0);
    expect(c.changes).toEqual([[240, 'configured']]);
    expect((await c.history()).at(-1)).toMatchObject({ limit: 240, why: 'configured' });
  });

  it('a probe holds once it was used for a whole window without a 429: the ceiling rises and the next probe is a window away', async () => {
    const t = setup('hold', { windowMs: 1000 });
    await t.setState({ limit: 250, ceiling: 200, probing: 'up', peak: 100 }, { changedAt: 2_000_000, last429: 5_000_000 });
    await t.send(1);
    // Hardly used: no proof the server allows it.
    expect((await t.state()).probing).toBe('up');
    await t.setState({ peak: 240 });
    await t.send(1);
    const s = await t.state();
    expect(s.probing).toBeUndefined();
    expect(s).toMatchObject({ limit: '250', ceiling: '250', upGap: String(1_025_000) });
  });

  it('a 429 ends a probe at the measurement and lengthens the wait before the next probe of its kind', async () => {
    const up = setup('fail-up');
    const slots = await up.send(20);
    await up.setState({ limit: 250, ceiling: 200, probing: 'up', upGap: 30_000_000 });
    expect(await up.limiter.learn(undefined, slots[19])).toBe(19);
    const s = await up.state();
    expect(s).toMatchObject({ limit: '19', ceiling: '200', upGap: '60000000' });
    expect(s.probing).toBeUndefined();

    const dip = setup('fail-dip');
    const d = await dip.send(20);
    await dip.setState({ limit: 200, ceiling: 200, probing: 'dip', dipGap: 3_000_000 });
    await dip.limiter.learn(undefined, d[19]);
    expect(await dip.state()).toMatchObject({ limit: '19', ceiling: '200', dipGap: '4500000' });
    // The next 429 of the same burst refines the measurement (18: one more rejection known) and keeps the wait.
    await dip.limiter.learn(undefined, d[18]);
    expect(await dip.state()).toMatchObject({ limit: '18', dipGap: '4500000' });
  });

  it('never probes an announced limit: it holds until the server announces another', async () => {
    const t = setup('announced');
    expect(await t.limiter.learn(80)).toBe(80);
    await t.setState({}, { changedAt: 60_000_000, last429: 60_000_000 });
    await t.send(1);
    expect((await t.state()).limit).toBe('80');
    expect(t.changes).toEqual([[80, 'announced']]);
  });
});
