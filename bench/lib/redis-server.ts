import { Redis } from 'ioredis';
import { startRedisServer } from '../../src/cli/redis-server-process.js';

export interface PrivateRedis {
  url: string;
  /** The redis-server's pid (its CPU time counts as the bench's own). */
  pid: number;
  /** A client of the bench itself (memory figures, FLUSHALL between repetitions). */
  client: Redis;
  stop(): Promise<void>;
}

/**
 * A redis-server of the bench's own on a free port, no persistence (the figures measure the tool, not fsync), and
 * `noeviction` as users must run it. Nothing outside this process' Redis is ever touched.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const server = await startRedisServer({ args: ['--maxmemory-policy', 'noeviction'] });
  const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    pid: server.pid,
    client,
    stop: () =>
      (stopped ??= (async () => {
        client.disconnect();
        await server.stop();
      })()),
  };
}

/** INFO memory `used_memory`, in bytes. */
export async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}
