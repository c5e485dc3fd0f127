import { errors } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { problem, startHarness, type Harness } from './sim-harness.js';

const USERS = '/public/v1/accounts/account-users';
const GROUPS = '/public/v1/accounts/user-groups';

describe('simulator faults and rate limit on the list calls', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ directoryUsers: 30, directoryGroups: 12 });
  });
  beforeEach(() => {
    h.sim.reset();
    h.sim.setOptions({ rate: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps a rule without `call` on the assign call, as before', async () => {
    h.sim.addFault({ kind: 'status', status: 500 });
    expect((await h.call('GET', USERS)).status).toBe(200);
    expect((await h.call('GET', GROUPS)).status).toBe(200);
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).status).toBe(500);
  });

  it('answers a status with Retry-After on the call aimed at, `times` times', async () => {
    h.sim.addFault({ call: 'list-user-groups', kind: 'status', status: 429, retryAfter: '1', times: 1 });
    h.sim.addFault({ call: 'list-account-users', kind: 'status', status: 503, times: 2 });
    const limited = await h.call('GET', GROUPS);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(problem(limited.json).status).toBe(429);
    expect((await h.call('GET', GROUPS)).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.call('GET', USERS)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(h.sim.stats().byStatus).toEqual({ '200': 2, '429': 1, '503': 2 });
  });

  it('aims at one page by its offset, so paging can fail half-way', async () => {
    h.sim.addFault({ call: 'list-account-users', offset: 10, kind: 'status', status: 502 });
    expect((await h.call('GET', `${USERS}?offset=0&limit=10`)).status).toBe(200);
    expect((await h.call('GET', `${USERS}?offset=10&limit=10`)).status).toBe(502);
    expect((await h.call('GET', `${USERS}?offset=20&limit=10`)).status).toBe(200);
    expect((await h.call('GET', `${GROUPS}?offset=10&limit=10`)).status).toBe(200);
  });

  it('hangs or resets a list call, and `any` reaches all three calls', async () => {
    h.sim.addFault({ call: 'list-user-groups', kind: 'hang', times: 1 });
    await expect(h.call('GET', GROUPS, undefined, { timeoutMs: 300 })).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
    h.sim.addFault({ call: 'list-account-users', kind: 'reset', times: 1 });
    await expect(h.call('GET', USERS)).rejects.toBeInstanceOf(errors.SocketError);
    h.sim.addFault({ call: 'any', kind: 'status', status: 500, times: 3 });
    expect((await h.call('GET', USERS)).status).toBe(500);
    expect((await h.call('GET', GROUPS)).status).toBe(500);
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).status).toBe(500);
    expect(h.sim.stats().byStatus).toEqual({ hang: 1, reset: 1, '500': 3 });
  });

  it('takes list rules over HTTP too, and rejects those that cannot apply, naming the field', async () => {
    const rule = { call: 'list-user-groups', kind: 'status', status: 504, times: 1 };
    expect((await h.call('POST', '/_sim/faults', rule, { token: null })).status).toBe(204);
    expect((await h.call('GET', GROUPS)).status).toBe(504);
    expect(() => h.sim.addFault({ call: 'list-everything' as never, kind: 'hang' })).toThrow(/call must be one of/);
    expect(() => h.sim.addFault({ call: 'list-user-groups', kind: 'not-applied' })).toThrow(/not-applied applies only/);
    expect(() => h.sim.addFault({ kind: 'hang', offset: 10 })).toThrow(/offset applies only to list calls/);
    expect(() => h.sim.addFault({ call: 'any', kind: 'hang', offset: -1 })).toThrow(/offset must be/);
  });

  it('counts list calls in the same rate window as assign calls, and in the stats', async () => {
    h.sim.setOptions({ rate: 2 });
    expect((await h.call('GET', GROUPS)).status).toBe(200);
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).status).toBe(200);
    const limited = await h.call('GET', USERS);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const stats = h.sim.stats();
    expect(stats.listCalls).toBe(2);
    expect(stats.posts).toBe(1);
    // The 429 proves all three arrived within one second (same arrival clock as the limit), so the stat must say 3.
    expect(stats.maxApiCallsInAnySecond).toBe(3);
    expect(stats.maxInAnySecond).toBe(1);
  });
});
