import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, spawnCli, waitFor } from '../helpers/cli.js';
import { csvRows, logLines, startE2E, type E2E } from '../helpers/e2e.js';
import { startRedisServer, type PrivateRedis } from '../helpers/redis-server.js';

let e: E2E | undefined;
let redis: PrivateRedis | undefined;
afterEach(async () => {
  // The server goes whatever the leak guard in e.close() says, so a failing test leaves no redis-server behind.
  try {
    await e?.close();
  } finally {
    await redis?.stop();
  }
});

const AOF = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];

describe('Redis restarted mid-batch (AOF on)', () => {
  it('workers reconnect and finish; nothing is lost and the counts are exact', { timeout: 120_000 }, async () => {
    redis = await startRedisServer(AOF);
    e = await startE2E('restart', {}, { url: redis.url });
    expect((await e.cli(['import', e.file('r.csv', csvRows(60)), '--batch', 'restart'])).code).toBe(0);
    const w = spawnCli(['worker', '--rate', '20'], e.env());
    const out = collect(w);
    await waitFor('some rows done', async () => ((await e!.store.getBatch('restart'))?.assigned ?? 0) >= 10);
    // A clean shutdown writes the AOF; the same port and directory bring the data back.
    const { port, dir } = redis;
    e.redis.disconnect();
    await redis.stop({ graceful: true, keepDir: true });
    await new Promise((r) => setTimeout(r, 1500));
    redis = await startRedisServer(AOF, port, dir);
    await e.redis.connect();
    const b = await e.waitDone('restart', 90_000).catch(async (err: unknown) => {
      // Say where it stood, so a failure here can be diagnosed from the CI log alone.
      const status = await e!.store.getBatch('restart');
      throw new Error(`${(err as Error).message}; batch ${JSON.stringify(status)}; worker stderr: ${out.stderr().slice(-2000)}; stdout tail: ${out.stdout().slice(-3000)}`);
    });
    w.kill('SIGTERM');
    const [code] = await once(w, 'close');
    expect(code, out.stderr()).toBe(0);
    expect(b).toMatchObject({ rows: 60, assigned: 60, failed: 0, pending: 0 });
    expect(e.sim.memberships().size).toBe(60);
    // One outage, said twice (lost, back), and no raw stack from BullMQ or ioredis on stderr.
    const lines = logLines(out.stdout());
    expect(lines.filter((l) => String(l.msg).startsWith('Redis connection lost'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'Redis connection is back')).toHaveLength(1);
    expect(lines.filter((l) => l.level === 50)).toEqual([]);
    expect(out.stderr()).toBe('');
  });
});
