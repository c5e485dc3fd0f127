import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimStats } from '../../src/sim/index.js';
import { startHarness, type Harness } from './sim-harness.js';

describe('simulator control endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('steers faults, options, seeds and stats over HTTP without a token', async () => {
    const noToken = { token: null };
    const faults = [
      { kind: 'status', status: 502, times: 1 },
      { kind: 'status', status: 504, times: 1 },
    ];
    expect((await h.call('POST', '/_sim/faults', faults, noToken)).status).toBe(204);
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).status).toBe(502);
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).status).toBe(504);
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).status).toBe(200);

    await h.call('POST', '/_sim/faults', { kind: 'status', status: 500 }, noToken);
    expect((await h.call('DELETE', '/_sim/faults', undefined, noToken)).status).toBe(204);
    expect((await h.assign('AUSR-0000-0000-0002', { id: 'UGR-0000-0001' })).status).toBe(200);

    expect((await h.call('POST', '/_sim/options', { onAlreadyMember: 409 }, noToken)).status).toBe(204);
    expect((await h.assign('AUSR-0000-0000-0002', { id: 'UGR-0000-0001' })).status).toBe(409);

    const seed = [{ id: 'AUSR-0000-0000-0003', email: 'c@example.com', groups: ['UGR-0000-0009'] }];
    expect((await h.call('POST', '/_sim/seed', seed, noToken)).status).toBe(204);
    const memberships = (await h.call('GET', '/_sim/memberships', undefined, noToken)).json;
    expect(memberships).toEqual({
      'AUSR-0000-0000-0001': ['UGR-0000-0001'],
      'AUSR-0000-0000-0002': ['UGR-0000-0001'],
      'AUSR-0000-0000-0003': ['UGR-0000-0009'],
    });

    const stats = (await h.call('GET', '/_sim/stats', undefined, noToken)).json as SimStats;
    expect(stats.posts).toBe(5);
    expect(stats.byStatus).toEqual({ '200': 2, '409': 1, '502': 1, '504': 1 });

    expect((await h.call('POST', '/_sim/reset', undefined, noToken)).status).toBe(204);
    expect(h.sim.memberships().size).toBe(0);
    expect(h.sim.stats().posts).toBe(0);
  });

  it('answers 400 naming the field for a bad rule, option or body, and applies none of a bad batch', async () => {
    const badRule = await h.call('POST', '/_sim/faults', [{ kind: 'hang' }, { kind: 'status', status: 'x' }]);
    expect(badRule.status).toBe(400);
    expect(badRule.text).toMatch(/status must be/);
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).status).toBe(200);

    const badOption = await h.call('POST', '/_sim/options', { rate: -1 });
    expect(badOption.status).toBe(400);
    expect(badOption.text).toMatch(/rate must be/);
    const fixed = await h.call('POST', '/_sim/options', { token: 'other' });
    expect(fixed.text).toMatch(/token is not an option that can be changed/);
    expect((await h.call('POST', '/_sim/options', '{nope')).text).toMatch(/not valid JSON/);
    expect((await h.call('GET', '/_sim/nothing')).status).toBe(404);
  });
});
