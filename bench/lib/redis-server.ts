import { Redis } from 'ioredis';
import { startRedisServer } from '../../src/cli/redis-server-process.js';

export interface PrivateRedis {
  url: string;
  /** The redis-server's pid (its CPU time counts as the bench's own). */
  pid: number;
  /** A client of the bench itself (memory figures, FLUSHALL between repetitions). */
  client: Redis;
  /** Saves the whole dataset as `<name>.rdb` in the server's own directory. */
  snapshot(name: string): Promise<void>;
  /** Replaces the whole dataset with the snapshot `name` (Redis empties itself and loads the file; no restart). */
  restore(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the bench's own on a free port, no persistence (the figures measure the tool, not fsync), and
 * `noeviction` as users must run it. Nothing outside this process' Redis is ever touched. DEBUG and CONFIG SET
 * dbfilename are allowed from localhost (Redis 7's defaults refuse both) so that a scenario can import its rows once
 * and put Redis back as that import left it before each run, in well under a second instead of a new import's five
 * to ten (snapshot, restore).
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const server = await startRedisServer({ args: ['--maxmemory-policy', 'noeviction', '--enable-debug-command', 'local', '--enable-protected-configs', 'local'] });
  const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    pid: server.pid,
    client,
    async snapshot(name) {
      await client.config('SET', 'dbfilename', `${name}.rdb`);
      await client.save();
    },
    async restore(name) {
      await client.config('SET', 'dbfilename', `${name}.rdb`);
      // NOSAVE: load the file as it is, without first saving the current dataset over it.
      await client.call('DEBUG', 'RELOAD', 'NOSAVE');
    },
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
