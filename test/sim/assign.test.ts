import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groupIds, problem, startHarness, type Harness } from './sim-harness.js';

describe('simulator assign call', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ unknownUsers: ['AUSR-1000-1000-1000'], unknownGroups: ['UGR-1000-1000'] });
  });
  beforeEach(() => {
    h.sim.reset();
    h.sim.setOptions({ onAlreadyMember: 200, strictIds: true });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 200 with the account user, whose groups include the new one and every earlier one', async () => {
    await h.assign('AUSR-5709-0422-8243', { id: 'UGR-1111-1111' });
    const r = await h.assign('AUSR-5709-0422-8243', { id: 'UGR-8447-7590' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = r.json as Record<string, unknown>;
    expect(body).toMatchObject({
      id: 'AUSR-5709-0422-8243',
      user: { id: 'USR-0422-8243' },
      account: { id: 'ACC-1671-0642', type: 'Client', status: 'Active' },
      revision: 3,
    });
    expect(groupIds(body)).toEqual(['UGR-1111-1111', 'UGR-8447-7590']);
    expect((body.groups as unknown[])[1]).toMatchObject({ id: 'UGR-8447-7590', name: 'Group 7590', isDefault: false });
    for (const key of ['audit', '$meta', 'buyers', 'modules', 'invitation', 'lastLoginAt']) {
      expect(body).toHaveProperty(key);
    }
    expect(h.sim.memberships().get('AUSR-5709-0422-8243')).toEqual(new Set(['UGR-1111-1111', 'UGR-8447-7590']));
  });

  it('answers 400 naming the path id when it does not match the pattern', async () => {
    const r = await h.assign('AUSR-12-34', { id: 'UGR-1234-5678' });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(problem(r.json).detail).toMatch(/Path parameter 'id'/);
  });

  it('answers 400 for a percent-encoded ../ in the path id, judged after decoding', async () => {
    const r = await h.assign('..%2F..%2FAUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    expect(r.status).toBe(400);
    expect(problem(r.json).detail).toContain('"../../AUSR-1234-5678-0001"');
    expect(h.sim.stats().paths).toContain('/public/v1/accounts/account-users/..%2F..%2FAUSR-1234-5678-0001/groups');
  });

  it('answers 400 for broken percent-encoding', async () => {
    const r = await h.assign('AUSR-%ZZ', { id: 'UGR-1234-5678' });
    expect(r.status).toBe(400);
    expect(problem(r.json).detail).toMatch(/percent-encoding/);
  });

  it('answers 400 naming the body id when the group does not match the pattern', async () => {
    const r = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-12345678' });
    expect(r.status).toBe(400);
    expect(problem(r.json).detail).toMatch(/Body field 'id'/);
  });

  it('answers 400 for malformed JSON and for a body without an id', async () => {
    const bad = await h.assign('AUSR-1234-5678-0001', '{"id":');
    expect(bad.status).toBe(400);
    expect(problem(bad.json).detail).toMatch(/not valid JSON/);
    const noId = await h.assign('AUSR-1234-5678-0001', { group: 'UGR-1234-5678' });
    expect(noId.status).toBe(400);
    expect(problem(noId.json).detail).toMatch(/Body field 'id' is required/);
  });

  it('accepts any id with strictIds off', async () => {
    h.sim.setOptions({ strictIds: false });
    const r = await h.assign(encodeURIComponent('user 42'), { id: 'group-x' });
    expect(r.status).toBe(200);
    expect(groupIds(r.json)).toEqual(['group-x']);
  });

  it('answers 404 for unknown users and groups, by convention and by option', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['AUSR-1234-5678-9999', 'UGR-1234-5678', /Account user/],
      ['AUSR-1000-1000-1000', 'UGR-1234-5678', /Account user/],
      ['AUSR-1234-5678-0001', 'UGR-9999-9999', /User group/],
      ['AUSR-1234-5678-0001', 'UGR-1000-1000', /User group/],
    ];
    for (const [user, group, detail] of cases) {
      const r = await h.assign(user, { id: group });
      expect(r.status).toBe(404);
      expect(problem(r.json).detail).toMatch(detail);
    }
    expect(h.sim.memberships().size).toBe(0);
  });

  it('answers an existing membership with 200 and the same body by default', async () => {
    const first = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    const again = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
  });

  it.each([400, 409] as const)('answers an existing membership with %i when configured', async (status) => {
    h.sim.setOptions({ onAlreadyMember: status });
    await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    const again = await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' });
    expect(again.status).toBe(status);
    expect(problem(again.json).detail).toMatch(/already a member/);
  });

  it('counts Idempotency-Key headers and POSTs per pair', async () => {
    await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' }, { headers: { 'idempotency-key': 'k1' } });
    await h.assign('AUSR-1234-5678-0001', { id: 'UGR-1234-5678' }, { headers: { 'idempotency-key': 'k1' } });
    await h.assign('AUSR-1234-5678-0002', { id: 'UGR-1234-5678' });
    const s = h.sim.stats();
    expect(s.idempotencyKeys).toBe(2);
    expect(s.perPair).toEqual({ 'AUSR-1234-5678-0001|UGR-1234-5678': 2, 'AUSR-1234-5678-0002|UGR-1234-5678': 1 });
  });

  it('answers 404 for other paths and 405 for the wrong method', async () => {
    expect((await h.call('GET', '/public/v1/nothing')).status).toBe(404);
    expect((await h.call('GET', '/public/v1/accounts/account-users/AUSR-1234-5678-0001/groups')).status).toBe(405);
  });
});
