import { afterEach, describe, expect, it } from 'vitest';
import { collect, spawnCli, stopped } from '../helpers/cli.js';
import { csvRows, startE2E, type E2E } from '../helpers/e2e.js';
import { startRedisServer, type PrivateRedis } from '../helpers/redis-server.js';

let e: E2E | undefined;
let redis: PrivateRedis | undefined;
afterEach(async () => {
  try {
    await e?.close();
  } finally {
    await redis?.stop();
    e = undefined;
    redis = undefined;
  }
});

describe('a Redis that evicts keys (15.4)', () => {
  it('a worker refuses to start on it, in one line naming the fix, unless ALLOW_EVICTION=1', async () => {
    redis = await startRedisServer(['--maxmemory-policy', 'allkeys-lru']);
    e = await startE2E('f-evict-refuse', {}, { url: redis.url });
    const refused = await e.cli(['worker']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/maxmemory-policy is "allkeys-lru".*noeviction.*ALLOW_EVICTION=1/);
    expect(e.sim.stats().requests).toBe(0);

    const allowed = spawnCli(['worker'], e.env({ ALLOW_EVICTION: '1' }));
    const out = collect(allowed);
    await e.cli(['import', e.file('ok.csv', csvRows(3)), '--batch', 'ok']);
    expect(await e.waitDone('ok')).toMatchObject({ assigned: 3 });
    allowed.kill('SIGTERM');
    await stopped(allowed);
    expect(out.stdout()).toMatch(/Starting anyway: ALLOW_EVICTION=1/);
  });

  it('a row whose job lost its data ends failed `evicted` (not "unknown job kind"), the others as usual, counts exact', async () => {
    redis = await startRedisServer(['--maxmemory-policy', 'allkeys-lru']);
    e = await startE2E('f-evict-row', {}, { url: redis.url });
    expect((await e.cli(['import', e.file('ev.csv', csvRows(5)), '--batch', 'ev'])).code).toBe(0);
    // What eviction leaves of a job hash: the id is still queued, its fields are gone.
    const jobKey = `${e.prefix}:assign:ev-3`;
    expect(await e.redis.hdel(jobKey, 'data', 'name')).toBe(2);

    const worker = spawnCli(['worker'], e.env({ ALLOW_EVICTION: '1' }));
    const batch = await e.waitDone('ev');
    worker.kill('SIGTERM');
    await stopped(worker);
    expect(batch).toMatchObject({ rows: 5, assigned: 4, failed: 1, pending: 0 });
    const failures = [];
    for await (const f of e.store.failures('ev')) failures.push(f);
    expect(failures).toMatchObject([{ line: 3, reason: 'evicted', message: expect.stringContaining('line 3') }]);
    // Exact at the simulator: the four rows that kept their data, once each, and nothing for the evicted one (line 3
    // of the file is its second data row).
    expect(e.sim.stats().posts).toBe(4);
    expect([...e.sim.memberships().keys()].sort()).toEqual(['AUSR-1000-0000-0001', 'AUSR-1000-0000-0003', 'AUSR-1000-0000-0004', 'AUSR-1000-0000-0005']);
  });
});
