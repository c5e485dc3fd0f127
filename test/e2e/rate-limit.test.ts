import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { globalKeys } from '../../src/queue/keys.js';
import { spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, importAndWork, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
afterEach(() => e.close());

const U = (n: number) => `AUSR-1000-0000-${String(n).padStart(4, '0')}`;

/** Arrivals (ms, simulator clock) of POSTs, and the first arrival for one account user. */
function timeline(e: E2E, user: string) {
  const posts = e.sim.stats().recentPosts;
  const t429 = posts.find((p) => p.accountUserId === user)!.at;
  return { t429, after: posts.filter((p) => p.at > t429).map((p) => p.at - t429) };
}

describe('the global rate limit, counted at the server', () => {
  beforeEach(async () => {
    e = await startE2E('rate', { rate: 20 });
  });

  it('two worker processes together never exceed S1_RATE_LIMIT in any sliding second, and meet no 429', async () => {
    const { batch, codes } = await importAndWork(e, csvRows(90), 'rl-two', 2, { S1_RATE_LIMIT: '20', S1_CONCURRENCY: '16'});
    expect(codes).toEqual([0, 0]);
    expect(batch).toMatchObject({ rows: 90, assigned: 90, pending: 0 });
    const s = e.sim.stats();
    expect(s.posts).toBe(90);
    expect(s.maxInAnySecond).toBeLessThanOrEqual(20);
    expect(s.byStatus['429']).toBeUndefined();
    // And the limit was actually the bottleneck: 90 requests at 20/s cannot take less than four windows.
    expect(s.lastAt! - s.firstAt!).toBeGreaterThan(4 * 1000);
  });
});

describe('a worker stamps its rate slots from the wire', () => {
  beforeEach(async () => {
    e = await startE2E('wire', { latencyMs: 500 });
  });

  it('moves a slot to when its request went out and its answer came back, not when it was granted', async () => {
    expect((await e.cli(['import', e.file('w.csv', csvRows(3)), '--batch', 'wire'])).code).toBe(0);
    const w = spawnCli(['worker'], e.env({ S1_RATE_LIMIT: '20' }));
    try {
      const first = await waitFor('the first request', () => e.sim.stats().firstAt ?? undefined, 30_000, 20);
      // Its answer leaves the simulator 500 ms after it arrived. A worker's first answer has no usual answer time to
      // compare with, so its round is stamped no earlier than that answer less the slack (25 ms); every grant of
      // these three rows (two rounds, 90 ms apart) was made before the first arrival + 200 ms.
      // The simulator's clock and Redis' are both the wall clock, read on the same machine. The re-stamp reaches
      // Redis once the worker has read the answer; until then every stamp is a grant's, before first + 200.
      const latest = async () => {
        const flat = await e.redis.zrange(globalKeys(e.prefix).rateLog, 0, -1, 'WITHSCORES');
        return Math.max(...flat.filter((_, i) => i % 2 === 1).map((us) => Number(us) / 1000));
      };
      expect(await waitFor('a stamp after the first answer', async () => ((await latest()) > first + 350 ? latest() : undefined), 10_000)).toBeGreaterThan(first + 350);
      await e.waitDone('wire');
    } finally {
      w.kill('SIGTERM');
      await stopped(w);
    }
  });
});

describe('429 answers pause the whole queue without using an attempt', () => {
  beforeEach(async () => {
    e = await startE2E('r429');
  });

  it('Retry-After in seconds: no worker sends anything until it has passed', async () => {
    e.sim.addFault({ accountUserId: U(3), kind: 'status', status: 429, retryAfter: '2', times: 1 });
    const { batch, logs } = await importAndWork(e, csvRows(40), 'ra-seconds', 2, { S1_RATE_LIMIT: '20' });
    expect(batch).toMatchObject({ assigned: 40, failed: 0, httpStatusCounts: { '429': 1, '200': 40 } });
    const { after } = timeline(e, U(3));
    // Requests granted before the pause was set may land just after the 429 (up to a few hundred ms on a loaded
    // machine); after that, nothing until Retry-After has passed.
    expect(after.filter((d) => d > 500 && d < 2000 - 50)).toEqual([]);
    expect(after.filter((d) => d >= 2000 - 50).length).toBeGreaterThan(0);
    expect(logs.find((l) => l.msg === 'row outcome' && l.accountUserId === U(3))).toMatchObject({ outcome: 'assigned', attempts: 1 });
  });

  it('Retry-After as an HTTP date: the pause lasts until that date', async () => {
    expect((await e.cli(['import', e.file('d.csv', csvRows(40)), '--batch', 'ra-date'])).code).toBe(0);
    const w = spawnCli(['worker'], e.env({ S1_RATE_LIMIT: '20' }));
    await waitFor('the worker to be sending', () => e.sim.stats().posts >= 5);
    // Set now, so that start-up time on a busy machine cannot eat the pause: the next request gets a 429.
    const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    e.sim.addFault({ kind: 'status', status: 429, retryAfter: at.toUTCString(), times: 1 });
    const batch = await e.waitDone('ra-date');
    w.kill('SIGTERM');
    await stopped(w);
    expect(batch).toMatchObject({ assigned: 40, httpStatusCounts: { '429': 1 } });
    const posts = e.sim.stats().recentPosts;
    const seen = new Set<string>();
    // The 429'd request is the only one sent twice.
    const dup = posts.find((p) => (seen.has(p.accountUserId) ? true : (seen.add(p.accountUserId), false)))!;
    const t429 = posts.find((p) => p.accountUserId === dup.accountUserId)!.at;
    // The simulator's clock is performance.timeOrigin + performance.now(), i.e. wall-clock ms.
    expect(at.getTime() - t429, 'the 429 came early enough for the pause to mean something').toBeGreaterThan(1000);
    expect(posts.filter((p) => p.at > t429 + 500 && p.at < at.getTime() - 50)).toEqual([]);
    expect(posts.filter((p) => p.at >= at.getTime() - 50).length).toBeGreaterThan(0);
  });

  it('a junk Retry-After falls back to backoff instead of hammering', async () => {
    e.sim.addFault({ accountUserId: U(2), kind: 'status', status: 429, retryAfter: 'soon', times: 1 });
    const { batch } = await importAndWork(e, csvRows(10), 'ra-junk', 1, { S1_RATE_LIMIT: '50', S1_BACKOFF_MS: '1000' });
    expect(batch).toMatchObject({ assigned: 10 });
    // The re-send of the 429'd row waits out the backoff (at least 1 s), and so does everyone else.
    const posts = e.sim.stats().recentPosts.filter((p) => p.accountUserId === U(2));
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1000 - 50);
    const { after } = timeline(e, U(2));
    expect(after.filter((d) => d > 500 && d < 1000 - 50)).toEqual([]);
  });

  it('a row rate-limited without end still finishes, as failed rate-limited, and 429s use no attempt', async () => {
    // Retry-After: 0 means "now": no pause, and still no attempt used. More 429s are allowed than attempts, so a 429
    // that used an attempt would end the row as failed after 2 tries with another reason.
    e.sim.addFault({ accountUserId: U(4), kind: 'status', status: 429, retryAfter: '0' });
    const { batch } = await importAndWork(e, csvRows(10), 'ra-forever', 1, { S1_RATE_LIMIT: '50', S1_MAX_RATE_LIMITED: '3', S1_MAX_ATTEMPTS: '2' });
    expect(batch).toMatchObject({ rows: 10, assigned: 9, failed: 1, pending: 0 });
    const failures = [];
    for await (const f of e.store.failures('ra-forever')) failures.push(f);
    expect(failures).toMatchObject([{ accountUserId: U(4), reason: 'rate-limited', httpStatus: 429 }]);
    expect(e.sim.stats().perPair[`${U(4)}|UGR-1234-5678`]).toBe(4);
  });
});
