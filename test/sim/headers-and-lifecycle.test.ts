import { Agent, errors, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { startHarness, TOKEN, type Harness } from './sim-harness.js';

describe('simulator headers, latency and lifecycle', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('announces deprecation on every API answer when enabled', async () => {
    h = await startHarness({ deprecation: true });
    for (const r of [
      await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' }),
      await h.assign('bad', { id: 'UGR-0000-0001' }),
      await h.call('GET', '/public/v1/accounts/account-users'),
    ]) {
      expect(r.headers.deprecation).toBe('true');
      expect(Date.parse(String(r.headers.sunset))).toBeGreaterThan(Date.now());
    }
    h.sim.setOptions({ deprecation: false });
    expect((await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' })).headers.deprecation).toBeUndefined();
  });

  it('adds latency with jitter', async () => {
    h = await startHarness({ latencyMs: 150, latencyJitterMs: 50 });
    const started = performance.now();
    const r = await h.assign('AUSR-0000-0000-0001', { id: 'UGR-0000-0001' });
    const took = performance.now() - started;
    expect(r.status).toBe(200);
    expect(took).toBeGreaterThanOrEqual(95);
  });

  it('close() ends idle keep-alive sockets, hanging and delayed answers, and is safe twice', async () => {
    const sim = await startSimulator({ token: TOKEN, latencyMs: 60_000 });
    const agent = new Agent();
    const headers = { authorization: `Bearer ${TOKEN}` };
    // An idle keep-alive socket.
    const idle = await request(`${sim.url}/_sim/stats`, { dispatcher: agent });
    await idle.body.text();
    // A delayed answer and a hanging one.
    // Outcomes are captured at once so the expected rejections are never unhandled, even for a moment.
    const settle = (p: Promise<unknown>): Promise<unknown> => p.then((r) => r, (err: unknown) => err);
    const delayed = settle(request(`${sim.url}/public/v1/accounts/account-users`, { dispatcher: agent, headers }));
    sim.addFault({ kind: 'hang' });
    const hanging = settle(
      request(`${sim.url}/public/v1/accounts/account-users/AUSR-0000-0000-0001/groups`, {
        dispatcher: agent,
        method: 'POST',
        headers,
        body: '{"id":"UGR-0000-0001"}',
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await Promise.all([sim.close(), sim.close()]);
    await sim.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await delayed).toBeInstanceOf(errors.SocketError);
    expect(await hanging).toBeInstanceOf(errors.SocketError);
    await agent.close();
  });

  it('rejects bad options at start, naming the option', async () => {
    await expect(startSimulator({ token: '' })).rejects.toThrow(/token must be/);
    await expect(startSimulator({ token: TOKEN, rate: 1.5 })).rejects.toThrow(/rate must be/);
    await expect(startSimulator({ token: TOKEN, onAlreadyMember: 201 as never })).rejects.toThrow(/onAlreadyMember/);
  });
});
