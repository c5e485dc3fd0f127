import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, spawnCli, waitFor } from '../helpers/cli.js';
import { csvRows, startE2E, type E2E } from '../helpers/e2e.js';
import { startFaultRedis, type FaultRedis } from './harness/fault-redis.js';

let e: E2E | undefined;
let redis: FaultRedis | undefined;
afterEach(async () => {
  try {
    await e?.close();
  } finally {
    await redis?.close();
    e = undefined;
    redis = undefined;
  }
});

const GONE = /^bulk-assign: batch (\S+) is gone from Redis \(was Redis restarted without persistence\?\)$/;

/** Every key of a batch that is left carries an expiry: nothing a late job writes outlives the retention. */
async function batchKeysWithoutExpiry(r: FaultRedis, prefix: string): Promise<string[]> {
  const { Redis } = await import('ioredis');
  const c = new Redis(r.url);
  try {
    const keys = await c.keys(`${prefix}:batch:*`);
    const ttls = await Promise.all(keys.map((k) => c.pttl(k)));
    return keys.filter((_, i) => ttls[i] === -1);
  } finally {
    c.disconnect();
  }
}

describe('Redis restarted empty mid-run (15.1)', () => {
  it('run, a worker and status --watch stop with one line and exit 1; no key is left without an expiry', { timeout: 120_000 }, async () => {
    redis = await startFaultRedis({ args: ['--maxmemory-policy', 'noeviction'] });
    e = await startE2E('f-empty', {}, { url: redis.url });
    // Slow enough (10/s) that the restart lands mid-batch on any machine.
    const run = spawnCli(['run', e.file('empty.csv', csvRows(200)), '--batch', 'empty', '--rate', '10'], e.env());
    const runOut = collect(run);
    // A worker beside run's own: it holds jobs of the batch (waiting for their rate slots) when Redis empties.
    const worker = spawnCli(['worker'], e.env({ S1_RATE_LIMIT: '10' }));
    const workerOut = collect(worker);
    await waitFor('ten rows through', () => e!.sim.stats().posts >= 10, 60_000);
    const watch = spawnCli(['status', 'empty', '--watch'], e.env());
    const watchOut = collect(watch);
    await waitFor('the watch to show the batch', () => watchOut.stderr().includes('empty') || watchOut.stdout().includes('empty'), 30_000);

    e.redis.disconnect();
    await redis.restart({ empty: true });
    await e.redis.connect();

    const [[runCode], [watchCode], [workerCode]] = await Promise.all([once(run, 'close'), once(watch, 'close'), once(worker, 'close')]);
    expect(runCode).toBe(1);
    expect(watchCode).toBe(1);
    expect(workerCode, workerOut.stderr()).toBe(1);
    const lastLine = (s: string) => s.trim().split('\n').filter((l) => l.startsWith('bulk-assign:'));
    expect(lastLine(runOut.stderr())).toEqual(['bulk-assign: batch empty is gone from Redis (was Redis restarted without persistence?)']);
    expect(lastLine(watchOut.stderr())[0]).toMatch(GONE);
    expect(lastLine(workerOut.stderr())).toEqual(['bulk-assign: batch empty is gone from Redis (was Redis restarted without persistence?)']);
    expect(await batchKeysWithoutExpiry(redis, e.prefix)).toEqual([]);
  });
});
