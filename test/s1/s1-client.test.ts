import { getEventListeners, once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS1Client, S1TransportError, type S1Client } from '../../src/s1/index.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

let sim: Simulator;
let client: S1Client;
const TOKEN = 'client-test-token';

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN });
  client = createS1Client({ baseUrl: sim.url, token: TOKEN, timeoutMs: 300 });
});
afterAll(async () => {
  await client.close();
  await client.close();
  await sim.close();
});

describe('the S1 client over real HTTP', () => {
  it('sends the bearer token, the body and the idempotency key, and parses the answer', async () => {
    const a = await client.assignToGroup('AUSR-1000-0000-0001', 'UGR-1234-5678', { idempotencyKey: 'k-1' });
    expect(a.status).toBe(200);
    expect((a.body as { groups: Array<{ id: string }> }).groups.map((g) => g.id)).toContain('UGR-1234-5678');
    expect(sim.stats().idempotencyKeys).toBe(1);
  });

  it('never retries on its own: one 503 is one request', async () => {
    sim.reset();
    sim.addFault({ kind: 'status', status: 503, times: 1 });
    const a = await client.assignToGroup('AUSR-1000-0000-0002', 'UGR-1234-5678');
    expect(a.status).toBe(503);
    expect(sim.stats().posts).toBe(1);
  });

  it('turns a hang into a timeout and a dropped connection into a network error, each after one request', async () => {
    sim.reset();
    sim.addFault({ kind: 'hang', times: 1 });
    await expect(client.assignToGroup('AUSR-1000-0000-0003', 'UGR-1234-5678')).rejects.toMatchObject({ code: 'timeout' });
    sim.addFault({ kind: 'reset', times: 1 });
    await expect(client.assignToGroup('AUSR-1000-0000-0004', 'UGR-1234-5678')).rejects.toMatchObject({ code: 'network' });
    expect(sim.stats().posts).toBe(2);
  });

  it('refuses unsafe ids before anything is sent', async () => {
    sim.reset();
    const err = await client.assignToGroup('../admin', 'UGR-1234-5678').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S1TransportError);
    expect((err as S1TransportError).code).toBe('invalid-id');
    expect(sim.stats().requests).toBe(0);
  });

  it('tells its observer when the request is written (after waiting for a free connection) and when the answer arrives', async () => {
    const slow = await startSimulator({ token: TOKEN, latencyMs: 200 });
    // One connection: the second request waits for the first to finish before anything of it is written.
    const one = createS1Client({ baseUrl: slow.url, token: TOKEN, connections: 1 });
    const clock = () => performance.timeOrigin + performance.now(); // the simulator's clock
    const seen: Array<[string, string, number]> = [];
    const observer = (name: string) => ({ sent: () => seen.push([name, 'sent', clock()]), answered: () => seen.push([name, 'answered', clock()]) });
    try {
      const users = ['AUSR-1000-0000-0011', 'AUSR-1000-0000-0012'];
      const answers = await Promise.all(users.map((u, i) => one.assignToGroup(u, 'UGR-1234-5678', { observer: observer(`r${i}`) })));
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(seen.map(([n, what]) => `${n} ${what}`)).toEqual(['r0 sent', 'r0 answered', 'r1 sent', 'r1 answered']);
      const at = (n: string, what: string) => seen.find((e) => e[0] === n && e[1] === what)![2];
      const arrivals = slow.stats().recentPosts;
      for (const [i, u] of users.entries()) {
        const arrived = arrivals.find((p) => p.accountUserId === u)!.at;
        expect(at(`r${i}`, 'sent')).toBeLessThanOrEqual(arrived);
        expect(at(`r${i}`, 'answered')).toBeGreaterThanOrEqual(arrived);
      }
    } finally {
      await one.close();
      await slow.close();
    }
  });

  it('tells its observer nothing when nothing was written', async () => {
    const calls: string[] = [];
    const observer = { sent: () => calls.push('sent'), answered: () => calls.push('answered') };
    const refused = createS1Client({ baseUrl: 'http://127.0.0.1:1', token: TOKEN, timeoutMs: 500 });
    await expect(refused.assignToGroup('AUSR-1000-0000-0013', 'UGR-1234-5678', { observer })).rejects.toMatchObject({ code: 'network' });
    await refused.close();
    await expect(client.assignToGroup('../admin', 'UGR-1234-5678', { observer })).rejects.toMatchObject({ code: 'invalid-id' });
    expect(calls).toEqual([]);
  });

  it('a forced abort ends a request in flight, and one still waiting for a connection is never written', async () => {
    const slow = await startSimulator({ token: TOKEN, latencyMs: 300 });
    const one = createS1Client({ baseUrl: slow.url, token: TOKEN, connections: 1 });
    const force = new AbortController();
    const seen: string[] = [];
    const observer = (name: string) => ({ sent: () => seen.push(`${name} sent`), answered: () => seen.push(`${name} answered`) });
    try {
      const first = one.assignToGroup('AUSR-1000-0000-0021', 'UGR-1234-5678', { signal: force.signal, observer: observer('r0') }).catch((e: unknown) => e);
      const second = one.assignToGroup('AUSR-1000-0000-0022', 'UGR-1234-5678', { signal: force.signal, observer: observer('r1') }).catch((e: unknown) => e);
      while (slow.stats().posts === 0) await new Promise((r) => setTimeout(r, 5));
      force.abort();
      expect(await first).toMatchObject({ code: 'aborted' });
      expect(await second).toMatchObject({ code: 'aborted' });
      expect(seen).toEqual(['r0 sent']);
      expect(slow.stats().posts).toBe(1);
      // Already aborted: refused before anything is queued.
      await expect(one.assignToGroup('AUSR-1000-0000-0023', 'UGR-1234-5678', { signal: force.signal })).rejects.toMatchObject({ code: 'aborted' });
      expect(slow.stats().posts).toBe(1);
    } finally {
      await one.close();
      await slow.close();
    }
  });

  it('one abort listener per signal, however many requests are in flight under it', async () => {
    const slow = await startSimulator({ token: TOKEN, latencyMs: 200 });
    const many = createS1Client({ baseUrl: slow.url, token: TOKEN, connections: 8 });
    const force = new AbortController();
    try {
      const calls = Array.from({ length: 20 }, (_, i) => many.assignToGroup(`AUSR-1000-0000-${String(100 + i).padStart(4, '0')}`, 'UGR-1234-5678', { signal: force.signal }));
      while (slow.stats().posts < 8) await new Promise((r) => setTimeout(r, 5));
      // A listener per request cost ~10 µs of EventTarget work each (a worker's every row passes its shutdown signal).
      expect(getEventListeners(force.signal, 'abort')).toHaveLength(1);
      expect((await Promise.all(calls)).map((a) => a.status)).toEqual(Array(20).fill(200));
      // The listener stays for the next requests, and a finished request is not aborted later.
      force.abort();
      expect(slow.stats().byStatus['200']).toBe(20);
    } finally {
      await many.close();
      await slow.close();
    }
  });

  it('a request aborted while it waits for a connection is answered at once and never written', async () => {
    const one = createS1Client({ baseUrl: sim.url, token: TOKEN, connections: 1, timeoutMs: 1500 });
    sim.reset();
    sim.addFault({ kind: 'hang', times: 1 });
    const settled: string[] = [];
    try {
      // r0 holds the only connection (the simulator never answers it); r1 queues behind it with a signal of its own.
      const r0 = one.assignToGroup('AUSR-1000-0000-0031', 'UGR-1234-5678').catch((e: unknown) => e).finally(() => settled.push('r0'));
      const own = new AbortController();
      const r1 = one.assignToGroup('AUSR-1000-0000-0032', 'UGR-1234-5678', { signal: own.signal }).catch((e: unknown) => e).finally(() => settled.push('r1'));
      while (sim.stats().posts === 0) await new Promise((r) => setTimeout(r, 5));
      own.abort();
      expect(await r1).toMatchObject({ code: 'aborted' });
      // Answered before the request ahead of it, which only ends at its own timeout.
      expect(settled).toEqual(['r1']);
      expect(await r0).toMatchObject({ code: 'timeout' });
      await new Promise((r) => setTimeout(r, 100));
      expect(sim.stats().posts).toBe(1);
    } finally {
      await one.close();
    }
  });

  it('cuts off an answer larger than 8 MiB as a network failure instead of holding it in memory', async () => {
    const huge = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 9; i++) res.write(chunk);
      res.end('{}');
    });
    huge.listen(0, '127.0.0.1');
    await once(huge, 'listening');
    const c = createS1Client({ baseUrl: `http://127.0.0.1:${(huge.address() as AddressInfo).port}`, token: TOKEN });
    try {
      const err = await c.assignToGroup('AUSR-1000-0000-0024', 'UGR-1234-5678').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'network' });
      expect(String((err as Error).message)).toMatch(/larger than 8388608 bytes/);
    } finally {
      await c.close();
      huge.closeAllConnections();
      huge.close();
    }
  });

  it('keeps the token out of every error it raises', async () => {
    const bad = createS1Client({ baseUrl: 'http://127.0.0.1:1', token: 'do-not-leak-me', timeoutMs: 500 });
    const err = (await bad.assignToGroup('AUSR-1000-0000-0005', 'UGR-1234-5678').catch((e: unknown) => e)) as Error;
    await bad.close();
    expect(err).toBeInstanceOf(S1TransportError);
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain('do-not-leak-me');
    expect(String(err.stack)).not.toContain('do-not-leak-me');
  });
});
