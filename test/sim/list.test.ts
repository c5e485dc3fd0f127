import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupIds, problem, startHarness, type Harness } from './sim-harness.js';

interface Page {
  $meta: { pagination: { offset: number; limit: number; total: number } };
  data: Array<{ id: string; user: { email?: string }; groups: Array<{ id: string }> }>;
}

describe('simulator list call', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    // Seeded in reverse to prove the answer is sorted by id.
    h.sim.seed(
      Array.from({ length: 25 }, (_, i) => {
        const n = String(24 - i).padStart(4, '0');
        return { id: `AUSR-0000-0000-${n}`, email: `user${n}@example.com`, groups: i === 24 ? ['UGR-0000-0001'] : [] };
      }),
    );
    await h.assign('AUSR-0000-0000-0000', { id: 'UGR-0000-0002' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('pages through users sorted by id, with e-mail and groups', async () => {
    const r = await h.call('GET', '/public/v1/accounts/account-users?offset=0&limit=10');
    expect(r.status).toBe(200);
    const page = r.json as Page;
    expect(page.$meta.pagination).toEqual({ offset: 0, limit: 10, total: 25 });
    expect(page.data.map((u) => u.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `AUSR-0000-0000-${String(i).padStart(4, '0')}`),
    );
    expect(page.data[0]?.user.email).toBe('user0000@example.com');
    expect(groupIds(page.data[0])).toEqual(['UGR-0000-0001', 'UGR-0000-0002']);

    const last = (await h.call('GET', '/public/v1/accounts/account-users?offset=20&limit=10')).json as Page;
    expect(last.data.map((u) => u.id)).toEqual([20, 21, 22, 23, 24].map((n) => `AUSR-0000-0000-00${n}`));
    const beyond = (await h.call('GET', '/public/v1/accounts/account-users?offset=100&limit=10')).json as Page;
    expect(beyond.data).toEqual([]);
    expect(beyond.$meta.pagination.total).toBe(25);
  });

  it('caps limit at 1000', async () => {
    const page = (await h.call('GET', '/public/v1/accounts/account-users?offset=0&limit=5000')).json as Page;
    expect(page.$meta.pagination.limit).toBe(1000);
    expect(page.data).toHaveLength(25);
  });

  it('answers 400 naming a bad query parameter', async () => {
    const r = await h.call('GET', '/public/v1/accounts/account-users?offset=-1');
    expect(r.status).toBe(400);
    expect(problem(r.json).detail).toMatch(/'offset'/);
    const l = await h.call('GET', '/public/v1/accounts/account-users?limit=ten');
    expect(problem(l.json).detail).toMatch(/'limit'/);
  });
});
