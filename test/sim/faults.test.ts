import { errors } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groupIds, problem, startHarness, type Harness } from './sim-harness.js';

describe('simulator fault injection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(() => {
    h.sim.reset();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers an injected status `times` times, with Retry-After verbatim, then recovers', async () => {
    h.sim.addFault({ kind: 'status', status: 503, retryAfter: 'junk', times: 2 });
    const a = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    const b = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    const c = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.headers['retry-after']).toBe('junk');
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(problem(a.json)).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });

  it('matches on account user and group', async () => {
    h.sim.addFault({ kind: 'status', status: 500, accountUserId: 'AUSR-1234-5678-0001', groupId: 'UGR-0000-0002' });
    expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-0000-0001' })).status).toBe(200);
    expect((await h.assign('AUSR-1234-5678-0002', { id: 'UGR-0000-0002' })).status).toBe(200);
    expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-0000-0002' })).status).toBe(500);
  });

  it('checks faults after auth: a bad token still gets 401', async () => {
    h.sim.addFault({ kind: 'status', status: 500 });
    expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' }, { token: 'nope' })).status).toBe(401);
  });

  it('checks faults before the rate limit', async () => {
    h.sim.setOptions({ rate: 1 });
    try {
      h.sim.addFault({ kind: 'status', status: 500, times: 3 });
      for (let i = 0; i < 3; i++) {
        expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' })).status).toBe(500);
      }
      expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' })).status).toBe(200);
    } finally {
      h.sim.setOptions({ rate: 0 });
    }
  });

  it('hangs until the client gives up', async () => {
    h.sim.addFault({ kind: 'hang', times: 1 });
    const started = Date.now();
    await expect(h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' }, { timeoutMs: 300 })).rejects.toBeInstanceOf(
      errors.HeadersTimeoutError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(h.sim.stats().byStatus).toEqual({ hang: 1 });
    expect(h.sim.memberships().size).toBe(0);
    // The next request is answered normally.
    expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' })).status).toBe(200);
  });

  it('resets the connection without answering', async () => {
    h.sim.addFault({ kind: 'reset', times: 1 });
    await expect(h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' })).rejects.toBeInstanceOf(errors.SocketError);
    expect(h.sim.stats().byStatus).toEqual({ reset: 1 });
    expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' })).status).toBe(200);
  });

  it('answers 200 without applying the change for not-applied', async () => {
    await h.assign('AUSR-1234-5678-0001', { id: 'UGR-0000-0001' });
    h.sim.addFault({ kind: 'not-applied', groupId: 'UGR-0000-0002' });
    const r = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-0000-0002' });
    expect(r.status).toBe(200);
    expect(groupIds(r.json)).toEqual(['UGR-0000-0001']);
    expect(h.sim.memberships().get('AUSR-1234-5678-0001')).toEqual(new Set(['UGR-0000-0001']));
  });

  it('rejects malformed rules, naming the field', () => {
    expect(() => h.sim.addFault({ kind: 'explode' } as never)).toThrow(/kind must be one of/);
    expect(() => h.sim.addFault({ kind: 'status', status: 5000 })).toThrow(/status must be/);
    expect(() => h.sim.addFault({ kind: 'hang', times: 0 })).toThrow(/times must be/);
  });

  it('clearFaults removes every rule', async () => {
    h.sim.addFault({ kind: 'status', status: 502 });
    h.sim.clearFaults();
    expect((await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' })).status).toBe(200);
  });
});
