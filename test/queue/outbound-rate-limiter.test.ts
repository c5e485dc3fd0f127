import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInWindow } from '../../src/sim/index.js';
import { globalKeys } from '../../src/queue/keys.js';
import { loadLimiterScripts } from '../../src/queue/limiter-scripts/limiter-scripts.js';
import { AHEAD_FROM, AHEAD_MAX, LimiterClosedError, OutboundRateLimiter, type OutboundRateLimiterOptions } from '../../src/queue/outbound-rate-limiter.js';
import { startRedisServer } from '../helpers/redis-server.js';
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
    const limiters = [0, 1, 2].map(() => new OutboundRateLimiter(conn(), keys, { rate: 20, slackMs: 0 }));
    const watched = watchGrants(conn(), keys.rateLog);
    await Promise.all(limiters.flatMap((l) => Array.from({ length: 25 }, () => l.acquire())));
    const grants = await watched.stop();
    limiters.forEach((l) => l.close());
    expect(grants).toHaveLength(75);
    expect(maxInWindow(grants, 1_000_000)).toBeLessThanOrEqual(20);
    // 75 slots at 20/s need at least three full windows after the first burst.
    expect(grants[74]! - grants[0]!).toBeGreaterThanOrEqual(3_000_000);
  });

  it('holds every request while paused (a 429 Retry-After), then lets them through', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('pause'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100 });
    const before = await redisNowUs(r);
    await limiter.pause(600);
    await limiter.acquire();
    // Granted by Redis' clock once the pause key expired (PTTL counts whole ms: at most 1 ms early).
    const [granted] = await scores(r, keys.rateLog);
    expect(granted).toBeGreaterThanOrEqual(before + 599_000);
    limiter.close();
  });

  it('never shortens a longer pause', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('pause2'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100 });
    await limiter.pause(5000);
    await limiter.pause(100);
    expect(await r.pttl(keys.ratePause)).toBeGreaterThan(4000);
    limiter.close();
  });

  it('rejects waiters when closed (shutdown) so their jobs go back to the queue unsent', async () => {
    const keys = globalKeys(uniquePrefix('close'));
    const limiter = new OutboundRateLimiter(conn(), keys, { rate: 1 });
    await limiter.acquire();
    const waiting = limiter.acquire();
    limiter.close();
    await expect(waiting).rejects.toBeInstanceOf(LimiterClosedError);
    limiter.close();
  });
});

/** Redis' clock, in µs: the one the log's stamps use. */
async function redisNowUs(r: Redis): Promise<number> {
  const [s, us] = await r.time();
  return Number(s) * 1e6 + Number(us);
}

/** The slots of a rate-log entry (`<round>:<slots>`). */
const slotsOf = (member: string) => Number(member.slice(member.lastIndexOf(':') + 1));

/** The stamp of every granted slot in the log (a round's slots share its entry's stamp). */
async function scores(r: Redis, key: string): Promise<number[]> {
  const flat = await r.zrange(key, 0, -1, 'WITHSCORES');
  const out: number[] = [];
  for (let i = 0; i < flat.length; i += 2) for (let k = 0; k < slotsOf(flat[i]!); k++) out.push(Number(flat[i + 1]));
  return out;
}

// Re-stamps reach Redis a few ms after the event (they are batched); this is ample.
const settle = () => sleep(100);

/**
 * Collects every grant stamped in a rate log while limiters work: each entry stays in the log for a window, so
 * snapshots every 100 ms see each round as Redis stamped it (when a grant is observed in this busy process says
 * little about when it was made). A round counts as that many grants at its stamp.
 */
function watchGrants(r: Redis, logKey: string) {
  // By round: a round whose unused slots were handed back is renamed to its smaller count (includes/giveBack.lua),
  // and counts with that one.
  const stamped = new Map<string, [number, number]>();
  const snapshot = async () => {
    const flat = await r.zrange(logKey, 0, -1, 'WITHSCORES');
    for (let i = 0; i < flat.length; i += 2) {
      const member = flat[i]!;
      const round = member.slice(0, member.lastIndexOf(':'));
      const slots = Math.min(slotsOf(member), stamped.get(round)?.[1] ?? Infinity);
      stamped.set(round, [Number(flat[i + 1]), slots]);
    }
  };
  let watching = true;
  const watch = (async () => {
    while (watching) {
      await snapshot();
      await sleep(100);
    }
  })();
  return {
    /** Every grant's stamp (µs, Redis' clock), in order. */
    async stop(): Promise<number[]> {
      watching = false;
      await watch;
      await snapshot();
      return [...stamped.values()].flatMap(([at, slots]) => Array<number>(slots).fill(at)).sort((a, b) => a - b);
    },
  };
}

/** A clock for the limiter's `clock` option that moves only when the test moves it: round trips are exact. */
function manualClock() {
  let now = 1000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('slots stamped with when their requests went out', () => {
  it('counts a slot from when its request was written, not from its grant', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('sent'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 5, slackMs: 0 });
    const slots = [];
    for (let i = 0; i < 5; i++) slots.push(await limiter.acquire());
    const [firstGrant] = await scores(r, keys.rateLog);
    // The requests leave half a second after their grants (slow connections, a busy event loop).
    await sleep(500);
    const sentAt = await redisNowUs(r);
    for (const s of slots) s.sent();
    await settle();
    expect(Math.min(...(await scores(r, keys.rateLog)))).toBeGreaterThanOrEqual(sentAt);
    await limiter.acquire();
    // Counted from their grants, a sixth slot would have come a window after the first grant, ~0.5 s before this.
    const sixth = Math.max(...(await scores(r, keys.rateLog)));
    expect(sixth).toBeGreaterThanOrEqual(sentAt + 1_000_000);
    expect(sixth).toBeGreaterThan(firstGrant! + 1_400_000);
    limiter.close();
  });

  it('gives the slots of one grant round one stamp, the latest send among them, even to slots never sent', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('round'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100 });
    // While paused, all three wait for the same round.
    await limiter.pause(100);
    const [a, b] = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    const granted = await scores(r, keys.rateLog);
    expect(granted).toHaveLength(3);
    expect(new Set(granted).size).toBe(1);
    await sleep(50);
    a!.sent();
    await sleep(30);
    const before = await redisNowUs(r);
    b!.sent();
    await settle();
    const stamped = await scores(r, keys.rateLog);
    expect(new Set(stamped).size).toBe(1);
    expect(stamped[0]).toBeGreaterThanOrEqual(before);
    limiter.close();
  });

  it('stamps a round answered late no earlier than the answer less the slack (the server may have seen it late)', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('late'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100, slackMs: 25 });
    const slot = await limiter.acquire();
    const sent = await redisNowUs(r);
    slot.sent();
    await sleep(300);
    const answered = await redisNowUs(r);
    slot.answered();
    await settle();
    const [stamp] = await scores(r, keys.rateLog);
    expect(stamp).toBeGreaterThanOrEqual(answered - 25_000 - 2_000);
    expect(stamp).toBeGreaterThan(sent + 250_000);
    limiter.close();
  });

  it("holds a worker's first answers to the slack, all of them late together being no sign of a slow API", async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('first'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100, slackMs: 25 });
    await limiter.pause(100);
    const slots = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire()));
    for (const s of slots) s.sent();
    await sleep(300);
    let last = 0;
    for (const s of slots) {
      last = await redisNowUs(r);
      s.answered();
      await sleep(20);
    }
    await settle();
    const stamped = await scores(r, keys.rateLog);
    expect(new Set(stamped).size).toBe(1);
    // The last answer, not only the first, moved the round.
    expect(stamped[0]).toBeGreaterThanOrEqual(last - 25_000 - 2_000);
    limiter.close();
  });

  it('allows an API that usually answers slowly its usual spread of answer times', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('slowapi'));
    // The limiter's clock says exactly how long each request took, however late this busy process runs.
    const clock = manualClock();
    const limiter = new OutboundRateLimiter(r, keys, { rate: 1000, slackMs: 25, clock: clock.now });
    const usual = await Promise.all(Array.from({ length: 20 }, () => limiter.acquire()));
    for (const s of usual) s.sent();
    clock.advance(200);
    for (const s of usual) s.answered();
    const slot = await limiter.acquire();
    const sent = await redisNowUs(r);
    slot.sent();
    await settle();
    // Quicker than this API's usual 200 ms, though far beyond the slack: its own work, not a late arrival. Real time
    // passes too, so a round wrongly stamped at the answer less the slack would land ~125 ms after the send.
    await sleep(150);
    clock.advance(150);
    slot.answered();
    await settle();
    expect(Math.max(...(await scores(r, keys.rateLog)))).toBeLessThan(sent + 50_000);
    limiter.close();
  });

  it('never moves a stamp earlier, and puts back an entry already trimmed while its send is still in the window', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('restamp'));
    const scripts = loadLimiterScripts(r, keys);
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100 });
    await limiter.acquire();
    limiter.close();
    const [member] = await r.zrange(keys.rateLog, 0, -1);
    const [granted] = await scores(r, keys.rateLog);
    const nonce = member!.slice(0, member!.lastIndexOf(':'));
    expect(await r.get(keys.rateCount)).toBe('1');
    // A send "before" the grant (one slot, sent 5 s ago) changes nothing.
    expect(await scripts.restampSlots(1_025_000, [0, nonce, 1, 5_000_000])).toBe(0);
    expect(await scores(r, keys.rateLog)).toEqual([granted]);
    // Trimmed into the tail (its request waited for a socket longer than a window), then sent: back in the log at
    // its send, and out of the tail.
    const trim = () => r.multi().zrem(keys.rateLog, member!).decrby(keys.rateCount, 1).zadd(keys.rateTail, granted!, member!).exec();
    await trim();
    const now = await redisNowUs(r);
    expect(await scripts.restampSlots(1_025_000, [0, nonce, 1, 0])).toBe(1);
    expect((await scores(r, keys.rateLog))[0]).toBeGreaterThanOrEqual(now);
    expect(await r.get(keys.rateCount)).toBe('1');
    expect(await r.pttl(keys.rateLog)).toBeGreaterThan(0);
    expect(await r.pttl(keys.rateCount)).toBeGreaterThan(0);
    expect(await r.zcard(keys.rateTail)).toBe(0);
    // A send already out of the window is not worth counting.
    await trim();
    expect(await scripts.restampSlots(1_025_000, [0, nonce, 1, 2_000_000])).toBe(0);
    expect(await r.get(keys.rateCount)).toBe('0');
  });

  it('puts back no round that is in neither the log nor its tail: a re-stamp sent again after a hand-back renamed it', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('restamp-renamed'));
    const scripts = loadLimiterScripts(r, keys);
    expect(await scripts.acquireSlots([5000, 4, 1_025_000, 'round', 45_000, 3_000_000, 30_000_000, 0, AHEAD_FROM, 0])).toMatchObject({ granted: 4 });
    // Two slots handed back (round:4 -> round:2), then the re-stamp of round:4 that went before it, run again.
    expect(await scripts.restampSlots(1_025_000, [1, 'round', 4, 2])).toBe(0);
    expect(await scripts.restampSlots(1_025_000, [0, 'round', 4, 0])).toBe(0);
    expect(await r.zrange(keys.rateLog, 0, -1)).toEqual(['round:2']);
    expect(await r.get(keys.rateCount)).toBe('2');
    // The hand-back run again finds nothing left to rename.
    expect(await scripts.restampSlots(1_025_000, [1, 'round', 4, 2])).toBe(0);
    expect(await r.get(keys.rateCount)).toBe('2');
  });

  it('keeps the count of slots in the log exact as rounds leave the window, and recounts it if the count is lost', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('count'));
    // A 200 ms window with no slack, and a pace that lets all five go in one round.
    const limiter = new OutboundRateLimiter(r, keys, { rate: 50, windowMs: 200, slackMs: 0 });
    await Promise.all(Array.from({ length: 5 }, () => limiter.acquire()));
    expect(await r.get(keys.rateCount)).toBe('5');
    await sleep(250);
    // The first round is out of the window: trimmed from the log and from the count by the next grant.
    await Promise.all(Array.from({ length: 3 }, () => limiter.acquire()));
    expect(await scores(r, keys.rateLog)).toHaveLength(3);
    expect(await r.get(keys.rateCount)).toBe('3');
    await r.del(keys.rateCount);
    await limiter.acquire();
    expect(await r.get(keys.rateCount)).toBe('4');
    expect(await scores(r, keys.rateLog)).toHaveLength(4);
    limiter.close();
  });

  it('counts a grant round once when its call runs twice (a command sent again after a reconnect)', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('twice'));
    const scripts = loadLimiterScripts(r, keys);
    const acquire = () => scripts.acquireSlots([100, 2, 1_025_000, 'same-round', 45_000, 3_000_000, 30_000_000, 0, 1000, 0]);
    expect(await acquire()).toMatchObject({ granted: 2, waitMs: 0 });
    expect(await acquire()).toMatchObject({ granted: 2, waitMs: 0 });
    expect(await r.zrange(keys.rateLog, 0, -1)).toEqual(['same-round:2']);
    expect(await r.get(keys.rateCount)).toBe('2');
  });

  it('recounts a slot count left without its log instead of trusting it, and gives both keys an expiry', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('orphan'));
    // A count whose log expired or was deleted on its own: trusted, it would block every grant for good.
    await r.set(keys.rateCount, 100);
    const limiter = new OutboundRateLimiter(r, keys, { rate: 10 });
    await limiter.acquire();
    limiter.close();
    expect(await r.get(keys.rateCount)).toBe('1');
    expect(await r.pttl(keys.rateCount)).toBeGreaterThan(0);
    expect(await r.pttl(keys.rateLog)).toBeGreaterThan(0);
  });

  it('paces grants: at most a twentieth of the limit per 45 ms', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('pace'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100 });
    await Promise.all(Array.from({ length: 30 }, () => limiter.acquire()));
    limiter.close();
    // Nothing was sent, so the log holds the grant times as Redis made them.
    const granted = (await scores(r, keys.rateLog)).sort((a, b) => a - b);
    expect(granted).toHaveLength(30);
    expect(await r.get(keys.rateCount)).toBe('30');
    expect(maxInWindow(granted, 45_000)).toBeLessThanOrEqual(5);
  });

  it('holds a quick API to the slack, however many of its answers come late', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('quickapi'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 1000, slackMs: 100 });
    // 10 answers at once and 11 after 150 ms: most answers take longer than the slack, but the quickest do not, so
    // the late ones are a server stalling, not an API that is slow (which would be allowed 2 x 150 ms).
    const quick = await Promise.all(Array.from({ length: 10 }, () => limiter.acquire()));
    for (const s of quick) {
      s.sent();
      s.answered();
    }
    const late = await Promise.all(Array.from({ length: 11 }, () => limiter.acquire()));
    for (const s of late) s.sent();
    await sleep(150);
    for (const s of late) s.answered();
    const slot = await limiter.acquire();
    const sent = await redisNowUs(r);
    slot.sent();
    await sleep(280);
    slot.answered();
    await settle();
    // Stamped at the answer less the slack, ~180 ms after the send.
    expect(Math.max(...(await scores(r, keys.rateLog)))).toBeGreaterThan(sent + 50_000);
    limiter.close();
  });

  it('paces by grants: a round stamped later (answered late) keeps its slots longer but does not hold back the next', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('pacegrants'));
    // A twentieth of the limit, rounded up to one slot, per 180 ms.
    const limiter = new OutboundRateLimiter(r, keys, { rate: 10, windowMs: 4000 });
    const first = await limiter.acquire();
    first.sent();
    await sleep(400);
    first.answered();
    await settle();
    const [firstRound] = await r.zrange(keys.rateLog, 0, -1);
    // 400 ms after the first grant, its pace interval is over; paced by the log, the second grant would wait until
    // 180 ms after the moved stamp (the answer less the slack). Paced by grants, it comes at its first ask: the
    // limiter's next round (round numbers end each entry's nonce, `<nonce>-<round>:<slots>`).
    await limiter.acquire();
    const entries = await r.zrange(keys.rateLog, 0, -1);
    expect(entries).toHaveLength(2);
    expect(firstRound).toMatch(/-0:1$/);
    expect(entries.find((m) => m !== firstRound)).toMatch(/-1:1$/);
    limiter.close();
  });

  it('drops a grant whose answer came back after half a window (too late to send and re-stamp in time)', async () => {
    const server = await startRedisServer();
    const r = new Redis(server.url);
    const blocker = new Redis(server.url);
    try {
      const keys = globalKeys(uniquePrefix('stale'));
      const limiter = new OutboundRateLimiter(r, keys, { rate: 100 });
      await limiter.acquire();
      // Redis busy for 700 ms (a private server: nothing else waits on it) while the next grant is asked for.
      const busy = blocker.eval("local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + n[2] - s[2] > 700000 return 1", 0);
      await sleep(50);
      await limiter.acquire();
      await busy;
      // The warm-up slot, the late grant left unused, and the one granted again in time.
      expect(await scores(r, keys.rateLog)).toHaveLength(3);
      limiter.close();
    } finally {
      r.disconnect();
      blocker.disconnect();
      await server.stop();
    }
  });
});

describe('learning an announced server limit (bare 429s: limit-estimator.test.ts)', () => {
  it('takes an announced limit as it is; one at or above the configured limit means no lower limit is known', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('learn'));
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100 });
    expect(await limiter.learn(40)).toBe(40);
    expect(Number(await r.hget(keys.rateLearnt, 'limit'))).toBe(40);
    const other = new OutboundRateLimiter(r, keys, { rate: 100 });
    expect(await other.learn(500)).toBe(100);
    expect(await r.exists(keys.rateLearnt)).toBe(0);
    limiter.close();
    other.close();
  });

  it('every limiter sharing Redis follows an announced limit, which holds while the server keeps it', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('learn2'));
    const teacher = new OutboundRateLimiter(r, keys, { rate: 100 });
    await teacher.learn(10);
    const follower = new OutboundRateLimiter(conn(), keys, { rate: 100 });
    const watched = watchGrants(conn(), keys.rateLog);
    await Promise.all(Array.from({ length: 25 }, () => follower.acquire()));
    const grants = await watched.stop();
    expect(grants).toHaveLength(25);
    expect(maxInWindow(grants, 1_000_000)).toBeLessThanOrEqual(10);
    expect(Number(await r.hget(keys.rateLearnt, 'limit'))).toBe(10);
    teacher.close();
    follower.close();
  });
});

describe('granting ahead at a limit of 1,000/s or more', () => {
  /** The log's rounds as [member, slots]: one entry per grant call that granted anything. */
  const rounds = async (r: Redis, key: string) => (await r.zrange(key, 0, -1)).map((m) => [m, slotsOf(m)] as const);
  const slotsIn = (rs: ReadonlyArray<readonly [string, number]>) => rs.reduce((n, [, s]) => n + s, 0);
  /** Ten rows asking at once, as a worker's freed connections would. */
  const tenRows = (l: OutboundRateLimiter) => Promise.all(Array.from({ length: 10 }, () => l.acquire()));
  /** The slots a fresh limiter's grants put in the log for ten rows; `lastBare429` sets when a 429 came (µs ago). */
  const slotsForTenRows = async (r: Redis, options: OutboundRateLimiterOptions, lastBare429?: { usAgo: number }, learn?: number) => {
    const keys = globalKeys(uniquePrefix('ahead-ten'));
    if (lastBare429) await r.hset(keys.rateLearnt, 'last429', (await redisNowUs(r)) - lastBare429.usAgo);
    const limiter = new OutboundRateLimiter(r, keys, options);
    if (learn !== undefined) expect(await limiter.learn(learn)).toBe(learn);
    await tenRows(limiter);
    // Read before close(), which hands back what was granted ahead.
    const slots = slotsIn(await rounds(r, keys.rateLog));
    limiter.close();
    return slots;
  };

  /** A fresh limiter on a clock that moves only when the test says, after ten rows asked for slots at once. */
  const afterTenRows = async (name: string, rate = 5000) => {
    const r = conn();
    const keys = globalKeys(uniquePrefix(name));
    const clock = manualClock();
    const limiter = new OutboundRateLimiter(r, keys, { rate, clock: clock.now });
    await tenRows(limiter);
    return { r, keys, clock, limiter };
  };

  it('a round grants as many again as it has waiters (or more, below); rows in the next 50 ms take those without asking Redis', async () => {
    const { r, keys, clock, limiter } = await afterTenRows('ahead', AHEAD_FROM);
    const first = await rounds(r, keys.rateLog);
    const ahead = slotsIn(first) - 10;
    // The first call had one waiter (the others came while it was out), the second the other nine, or fewer.
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThanOrEqual(10);
    clock.advance(49);
    for (let i = 0; i < ahead; i++) await limiter.acquire();
    expect(await rounds(r, keys.rateLog), 'no grant call while slots granted ahead were left').toEqual(first);
    await limiter.acquire();
    expect(await rounds(r, keys.rateLog)).toHaveLength(first.length + 1);
    expect(await r.get(keys.rateCount)).toBe(String(slotsIn(await rounds(r, keys.rateLog))));
    limiter.close();
  });

  it('a busy process asks ahead for as many slots as it took since its last call, at most AHEAD_MAX', async () => {
    // Ten rows: a round of 1 + 1 (one waiter, nothing taken before), then 8 + 8 for the eight still waiting.
    const { r, keys, clock, limiter } = await afterTenRows('ahead-demand');
    expect((await rounds(r, keys.rateLog)).map(([, n]) => n)).toEqual([2, 16]);
    // The eight left go to the next rows without a call; the row after them asks for itself and, ahead, the
    // sixteen taken since the last call (eight as waiters, eight from the stock).
    for (let i = 0; i < 8; i++) await limiter.acquire();
    await limiter.acquire();
    expect((await rounds(r, keys.rateLog)).map(([, n]) => n)).toEqual([2, 16, 17]);
    limiter.close();

    // However many were taken or wait, no more than AHEAD_MAX ahead (a limit high enough that the room left for the
    // other workers does not bind first).
    const bigKeys = globalKeys(uniquePrefix('ahead-max'));
    const big = new OutboundRateLimiter(r, bigKeys, { rate: 100_000, clock: clock.now });
    await Promise.all(Array.from({ length: 300 }, () => big.acquire()));
    expect((await rounds(r, bigKeys.rateLog)).map(([, n]) => n)).toEqual([2, 298 + AHEAD_MAX]);
    big.close();
  });

  /** A limiter at 100,000/s whose stock holds a full round (AHEAD_MAX) after 300 rows asked at once: [2, 298 + 256]. */
  const fullStock = async (name: string) => {
    const r = conn();
    const keys = globalKeys(uniquePrefix(name));
    const clock = manualClock();
    const limiter = new OutboundRateLimiter(r, keys, { rate: 100_000, clock: clock.now });
    await Promise.all(Array.from({ length: 300 }, () => limiter.acquire()));
    const sizes = async () => (await rounds(r, keys.rateLog)).map(([, n]) => n);
    expect(await sizes()).toEqual([2, 298 + AHEAD_MAX]);
    /** Resolves once the log holds `n` rounds (a refill is asked without waiting for it). */
    const roundsReach = async (n: number) => {
      for (let i = 0; i < 100 && (await sizes()).length < n; i++) await sleep(10);
      return sizes();
    };
    /** `n` rows that must each find a slot at hand. */
    const takeAtHand = (n: number) => {
      for (let i = 0; i < n; i++) expect(limiter.acquireNow(), `row ${i + 1} of ${n} found a slot at hand`).toBeDefined();
    };
    return { r, keys, clock, limiter, sizes, roundsReach, takeAtHand };
  };

  it('a busy process asks for its next round once half of its stock is taken, so its rows never wait for one', async () => {
    const { limiter, sizes, roundsReach, takeAtHand } = await fullStock('ahead-refill');
    // Until half of the stock is taken, no call.
    takeAtHand(AHEAD_MAX / 2 - 1);
    await settle();
    expect(await sizes()).toEqual([2, 298 + AHEAD_MAX]);
    // The row that leaves half starts a refill: nothing wanted, as many ahead as the round left for the stock.
    takeAtHand(1);
    expect(await roundsReach(3)).toEqual([2, 298 + AHEAD_MAX, AHEAD_MAX]);
    // The rest of the first stock, then the refill up to its own half, all at hand, without another call...
    takeAtHand(AHEAD_MAX / 2 + AHEAD_MAX / 2 - 1);
    await settle();
    expect(await sizes()).toHaveLength(3);
    // ...and the refill's half-way row asks for the next one: the stock never runs dry while rows keep coming.
    takeAtHand(1);
    expect(await roundsReach(4)).toEqual([2, 298 + AHEAD_MAX, AHEAD_MAX, AHEAD_MAX]);
    limiter.close();
  });

  it('a refill keeps its own 50 ms: the round before it goes back when its time is over, and the refill serves on', async () => {
    const { r, keys, clock, limiter, roundsReach, takeAtHand } = await fullStock('ahead-refill-life');
    clock.advance(30);
    takeAtHand(AHEAD_MAX / 2);
    // Asked at 30 ms: it lasts until 80 ms, the first stock until 50 ms.
    expect(await roundsReach(3)).toHaveLength(3);
    clock.advance(20);
    takeAtHand(5);
    limiter.close();
    await settle();
    // Used: 300 rows, the 128 that started the refill, 5 from the refill. The first stock's other 128 went back
    // when it ended, the refill's other 251 on close.
    const used = 300 + AHEAD_MAX / 2 + 5;
    expect(slotsIn(await rounds(r, keys.rateLog))).toBe(used);
    expect(await r.get(keys.rateCount)).toBe(String(used));
  });

  it('a round gets one refill at most: one that found no room is not asked again for every row after it', async () => {
    const { r, keys, limiter, takeAtHand } = await fullStock('ahead-refill-once');
    // Another worker fills half the window (within the pace, 5,000 a call): no room is left ahead of anyone.
    const scripts = loadLimiterScripts(r, keys);
    for (let i = 0; i < 10; i++) {
      expect(await scripts.acquireSlots([100_000, 5000, 1_025_000, `other-${i}`, 1, 3_000_000, 30_000_000, 0, AHEAD_FROM, 0])).toMatchObject({ granted: 5000 });
    }
    // The half-way row asks for a refill, which grants nothing; the rest of the stock then goes without a call.
    takeAtHand(AHEAD_MAX / 2);
    await settle();
    takeAtHand(AHEAD_MAX / 2);
    await settle();
    // The next row waits for a grant: the limiter's calls are numbered in its rounds' names, <nonce>-<call>:<slots>.
    await limiter.acquire();
    const calls = (await r.zrange(keys.rateLog, 0, -1)).filter((m) => !m.startsWith('other-')).map((m) => Number(/-(\d+):\d+$/.exec(m)![1]));
    // Calls 0 and 1 granted the 300 rows and the stock, call 2 was the refill that found no room, call 3 this row's.
    expect(calls).toEqual([0, 1, 3]);
    limiter.close();
  });

  it('a refill that finds no room ahead grants nothing and leaves nothing in the log', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('ahead-refill-none'));
    const scripts = loadLimiterScripts(r, keys);
    // [limit, wanted, window µs, nonce, pace µs, dip probe µs, up probe µs, ahead, AHEAD_FROM, hand-backs]
    const ask = (nonce: string, wanted: number, ahead: number) => scripts.acquireSlots([1000, wanted, 1_025_000, nonce, 1, 3_000_000, 30_000_000, ahead, AHEAD_FROM, 0]);
    expect(await ask('refill-0', 0, 10), 'room: the refill is granted').toMatchObject({ granted: 10, waitMs: 0 });
    // Another worker fills the window to half (within the pace, 50 a call): the other half is kept for the other
    // workers, none of it granted ahead.
    for (let i = 0; i < 9; i++) expect(await ask(`other-${i}`, 50, 0)).toMatchObject({ granted: 50 });
    expect(await ask('other-9', 40, 0)).toMatchObject({ granted: 40 });
    expect(await ask('refill-1', 0, 10)).toMatchObject({ granted: 0, waitMs: 0 });
    expect((await rounds(r, keys.rateLog)).filter(([m]) => m.startsWith('refill'))).toEqual([['refill-0:10', 10]]);
    expect(await r.get(keys.rateCount)).toBe('500');
  });

  it('slots granted ahead last 50 ms from the ask, then a row asks Redis again', async () => {
    const { r, keys, clock, limiter } = await afterTenRows('ahead-life');
    const first = await rounds(r, keys.rateLog);
    expect(slotsIn(first)).toBeGreaterThan(10);
    clock.advance(50);
    await limiter.acquire();
    expect(await rounds(r, keys.rateLog)).toHaveLength(first.length + 1);
    limiter.close();
  });

  it('slots left when the stock ends are handed back with the next call: the log then counts only slots used', async () => {
    const { r, keys, clock, limiter } = await afterTenRows('ahead-back');
    expect(slotsIn(await rounds(r, keys.rateLog))).toBeGreaterThan(10);
    const [sent] = await Promise.all([limiter.acquire(), limiter.acquire()]);
    // Sent, so its round is re-stamped (named by its slots after the hand-back) with the same call.
    sent!.sent();
    clock.advance(50);
    await limiter.acquire();
    const after = await rounds(r, keys.rateLog);
    expect(slotsIn(after)).toBe(13 + (after.at(-1)![1] - 1));
    expect(await r.get(keys.rateCount)).toBe(String(slotsIn(after)));

    limiter.close();
    await settle();
    const closed = await rounds(r, keys.rateLog);
    expect(slotsIn(closed), 'what the last round granted ahead went back on close').toBe(13);
    expect(await r.get(keys.rateCount)).toBe('13');
  });

  it('grants nothing ahead below 1,000/s, nor when the limit in force is below it though the configured one is not', async () => {
    const r = conn();
    expect(await slotsForTenRows(r, { rate: AHEAD_FROM - 1 })).toBe(10);
    expect(await slotsForTenRows(r, { rate: 2000 }, undefined, 900)).toBe(10);
    // Nor within three windows of a bare 429 (the configured limit still in force): its measurement is under way.
    expect(await slotsForTenRows(r, { rate: 2000 }, { usAgo: 2_500_000 })).toBe(10);
    // A 429 longer ago than that leaves it alone.
    expect(await slotsForTenRows(r, { rate: 2000 }, { usAgo: 3_200_000 })).toBeGreaterThan(10);
  });

  it('grants ahead only from room that leaves half the window free for the other workers', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('ahead-half'));
    // Another worker's slots fill half the window (asked without pace, ahead or waiting, 50 a call).
    const scripts = loadLimiterScripts(r, keys);
    for (let i = 0; i < 10; i++) {
      expect(await scripts.acquireSlots([1000, 50, 1_025_000, `other-${i}`, 1, 3_000_000, 30_000_000, 0, AHEAD_FROM, 0])).toMatchObject({ granted: 50 });
    }
    const limiter = new OutboundRateLimiter(r, keys, { rate: 1000 });
    await tenRows(limiter);
    const mine = (await rounds(r, keys.rateLog)).filter(([m]) => !m.startsWith('other-'));
    expect(slotsIn(mine)).toBe(10);
    limiter.close();
  });

  it('a pause, a 429 or a lost connection drops what is left, and a grant out meanwhile keeps nothing ahead', async () => {
    const r = conn();
    const keys = globalKeys(uniquePrefix('ahead-drop'));
    // A clock that stands still: nothing expires by time here, only by what the test does.
    const clock = manualClock();
    /**
     * A fresh limiter (one per case, as a new worker) after ten rows at once: its first round asks for its one waiter
     * and one ahead, the second for the eight still waiting and eight ahead, which it keeps.
     */
    const stocked = async () => {
      const limiter = new OutboundRateLimiter(r, keys, { rate: 5000, clock: clock.now });
      await tenRows(limiter);
      const rs = await rounds(r, keys.rateLog);
      expect(rs.at(-1)![1], 'slots were granted ahead').toBeGreaterThan(10);
      return limiter;
    };
    /** The number of this limiter's latest grant call that granted anything (`<nonce>-<round>:<slots>`). */
    const lastRound = async () => Math.max(...(await r.zrange(keys.rateLog, 0, -1)).map((m) => Number(/-(\d+):\d+$/.exec(m)![1])));
    /** Resolves to whether the next row got its slot without a grant call. */
    const fromStock = async (limiter: OutboundRateLimiter) => {
      const before = await lastRound();
      await limiter.acquire();
      return (await lastRound()) === before;
    };

    let limiter = await stocked();
    expect(await fromStock(limiter), 'the stock serves the next row').toBe(true);
    await limiter.pause(1);
    expect(await fromStock(limiter), 'after a pause').toBe(false);
    limiter.close();

    // A pause while a grant is out: what it grants beyond its waiter goes back at once. A limiter of its own, idle,
    // so its grant call leaves within acquire() itself, before the pause.
    const outKeys = globalKeys(uniquePrefix('ahead-out'));
    const out = new OutboundRateLimiter(r, outKeys, { rate: 5000, clock: clock.now });
    const granting = out.acquire();
    const paused = out.pause(1);
    await granting;
    await paused;
    // The hand-back left on this connection before the grant's waiter was resolved, so this read comes after it.
    expect(await rounds(r, outKeys.rateLog), 'the round out during the pause kept only its waiter').toEqual([[expect.stringMatching(/-0:1$/), 1]]);
    out.close();

    limiter = await stocked();
    r.disconnect(true);
    await once(r, 'ready');
    // Held for a window after the reconnect (by this clock): a row now waits, rather than taking a slot granted ahead.
    const held = limiter.acquire();
    const first = await Promise.race([held.then(() => 'granted'), sleep(200).then(() => 'held')]);
    expect(first).toBe('held');
    clock.advance(1100);
    await held;
    limiter.close();

    // Last: a 429 also stops granting ahead for a few windows.
    limiter = await stocked();
    await limiter.learn(undefined);
    expect(await fromStock(limiter), 'after a 429').toBe(false);
    limiter.close();
  });

  it('several limiters streaming rows, refills and all, still grant at most the limit in any sliding second', async () => {
    const keys = globalKeys(uniquePrefix('ahead-refill-window'));
    const limiters = [0, 1, 2].map(() => new OutboundRateLimiter(conn(), keys, { rate: 20_000, slackMs: 0 }));
    const watched = watchGrants(conn(), keys.rateLog);
    // A limit high enough that rounds of AHEAD_MAX go ahead, so refills do. A steady stream, as a busy worker's rows come: a slot at hand when there is one, else wait for a grant; the
    // event loop turns every few rows, so refills go out and come back while rows keep taking from the stock.
    const stream = async (l: OutboundRateLimiter) => {
      for (let i = 0; i < 15_000; i++) {
        if (l.acquireNow() === undefined) await l.acquire();
        if (i % 4 === 3) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(limiters.map(stream));
    const grants = await watched.stop();
    limiters.forEach((l) => l.close());
    expect(grants.length).toBeGreaterThanOrEqual(3 * 15_000);
    expect(maxInWindow(grants, 1_000_000)).toBeLessThanOrEqual(20_000);
    // 45,000 rows at 20,000/s: the limit bound, at least two full windows after the first grant.
    expect(grants.at(-1)! - grants[0]!).toBeGreaterThanOrEqual(2_000_000);
  });

  it('several limiters at 1,000/s still grant at most the limit in any sliding second', async () => {
    const keys = globalKeys(uniquePrefix('ahead-window'));
    const limiters = [0, 1, 2].map(() => new OutboundRateLimiter(conn(), keys, { rate: 1000, slackMs: 0 }));
    const watched = watchGrants(conn(), keys.rateLog);
    // Each limiter's rows come 16 at a time, as a worker's freed connections would ask.
    await Promise.all(limiters.map(async (l) => {
      for (let i = 0; i < 60; i++) await Promise.all(Array.from({ length: 16 }, () => l.acquire()));
    }));
    const grants = await watched.stop();
    limiters.forEach((l) => l.close());
    expect(grants.length).toBeGreaterThanOrEqual(3 * 60 * 16);
    expect(maxInWindow(grants, 1_000_000)).toBeLessThanOrEqual(1000);
    // 2,880 rows at 1,000/s: the limit bound, at least two full windows after the first grant.
    expect(grants.at(-1)! - grants[0]!).toBeGreaterThanOrEqual(2_000_000);
  });
});
