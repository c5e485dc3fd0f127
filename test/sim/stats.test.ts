import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatsRecorder } from '../../src/sim/sim-stats.js';
import { startHarness, type Harness } from './sim-harness.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('simulator stats', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('tracks the most POSTs in any sliding second, and first/last arrival', async () => {
    const before = performance.timeOrigin + performance.now();
    const post = (i: number) => h.assign(`AUSR-0000-0000-${String(i).padStart(4, '0')}`, { id: 'UGR-0000-0001' });
    await Promise.all([0, 1, 2, 3, 4, 5, 6].map(post));
    await sleep(1100);
    await Promise.all([7, 8, 9].map(post));
    const s = h.sim.stats();
    expect(s.posts).toBe(10);
    expect(s.maxInAnySecond).toBe(7);
    // The fullest window ended with the seventh POST, before the pause; the last three never beat it.
    expect(s.maxInAnySecondAt ?? 0).toBeGreaterThanOrEqual(s.firstAt ?? Infinity);
    expect(s.maxInAnySecondAt ?? Infinity).toBeLessThan((s.lastAt ?? 0) - 1000);
    expect(s.firstAt).not.toBeNull();
    expect(s.firstAt ?? 0).toBeGreaterThanOrEqual(before - 1);
    expect((s.lastAt ?? 0) - (s.firstAt ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('tracks the most API requests open at once; reset restarts it from those still open', async () => {
    h.sim.reset();
    // Each answer is held back long enough that all five are open together however slow the machine is.
    h.sim.setOptions({ latencyMs: 500 });
    try {
      const post = (i: number) => h.assign(`AUSR-0000-0001-${String(i).padStart(4, '0')}`, { id: 'UGR-0000-0001' });
      await Promise.all([0, 1, 2, 3, 4].map(post));
      expect(h.sim.stats().maxInFlight).toBe(5);
      h.sim.reset();
      await post(5);
      await post(6);
      expect(h.sim.stats().maxInFlight).toBe(1);
    } finally {
      h.sim.setOptions({ latencyMs: 0 });
    }
  });

  it('counts every request, answers by status and the raw paths; reset clears them', async () => {
    h.sim.reset();
    await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' });
    await h.assign('AUSR-0000-0000-9999', { id: 'UGR-0000-0001' });
    await h.call('GET', '/public/v1/accounts/account-users?limit=1');
    await h.call('GET', '/_sim/stats');
    const s = h.sim.stats();
    expect(s.requests).toBe(4);
    expect(s.posts).toBe(2);
    expect(s.byStatus).toEqual({ '200': 2, '404': 1 }); // control endpoints are not counted here
    expect(s.paths).toEqual([
      '/public/v1/accounts/account-users/AUSR-0000-0000-0001/groups',
      '/public/v1/accounts/account-users/AUSR-0000-0000-9999/groups',
      '/public/v1/accounts/account-users?limit=1',
      '/_sim/stats',
    ]);
    h.sim.reset();
    expect(h.sim.stats()).toMatchObject({ requests: 0, posts: 0, maxInAnySecond: 0, paths: [], firstAt: null });
  });

  it('keeps only the last 10,000 paths, oldest first', () => {
    const recorder = new StatsRecorder();
    for (let i = 0; i < 10_050; i++) recorder.recordRequest(`/p/${i}`);
    const { paths, requests } = recorder.snapshot();
    expect(requests).toBe(10_050);
    expect(paths).toHaveLength(10_000);
    expect(paths[0]).toBe('/p/50');
    expect(paths.at(-1)).toBe('/p/10049');
  });
});
