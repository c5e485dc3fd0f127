import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problem, startHarness, type Harness } from './sim-harness.js';

describe('simulator auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ forbiddenTokens: ['read-only-token'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 401 problem details without an Authorization header', async () => {
    const r = await h.assign('AUSR-1111-2222-3333', { id: 'UGR-1234-5678' }, { token: null });
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.headers['www-authenticate']).toBe('Bearer');
    const p = problem(r.json);
    expect(p).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
    expect(p.detail).toMatch(/Authorization/);
    expect(p.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 401 for a wrong token, and never echoes it', async () => {
    const r = await h.assign('AUSR-1111-2222-3333', { id: 'UGR-1234-5678' }, { token: 'wrong-secret' });
    expect(r.status).toBe(401);
    expect(r.text).not.toContain('wrong-secret');
  });

  it('answers 403 for a forbidden token', async () => {
    const r = await h.assign('AUSR-1111-2222-3333', { id: 'UGR-1234-5678' }, { token: 'read-only-token' });
    expect(r.status).toBe(403);
    expect(problem(r.json).status).toBe(403);
  });

  it('guards the list call too', async () => {
    const r = await h.call('GET', '/public/v1/accounts/account-users', undefined, { token: null });
    expect(r.status).toBe(401);
  });

  it('changes nothing and counts the failures', () => {
    expect(h.sim.memberships().size).toBe(0);
    const s = h.sim.stats();
    expect(s.authFailures).toBe(4);
    expect(s.byStatus).toEqual({ '401': 3, '403': 1 });
    expect(s.posts).toBe(3);
  });
});
