import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ensureDemoRedis } from '../../src/cli/ensure-redis.js';
import { freePort } from '../helpers/redis-server.js';
import { redisUrl } from '../helpers/test-env.js';

describe('Redis for the demo', () => {
  it('uses REDIS_URL when it is set, without probing anything', async () => {
    const said: string[] = [];
    expect(await ensureDemoRedis({ REDIS_URL: 'redis://example:1' }, (l) => said.push(l))).toEqual({ url: 'redis://example:1' });
    expect(said).toEqual([]);
  });

  it('uses the local server when one answers', async () => {
    const r = await ensureDemoRedis({}, () => undefined, redisUrl());
    expect(r).toEqual({ url: redisUrl() });
  });

  it('else starts a throwaway redis-server, says so in one line, and stops it', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const said: string[] = [];
    const r = await ensureDemoRedis({}, (l) => said.push(l), closed);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/started a throwaway redis-server on port \d+/);
    const client = new Redis(r.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    await r.stop!();
    const after = new Redis(r.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    after.on('error', () => undefined);
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });
});
