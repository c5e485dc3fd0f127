import { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { startRedisServer, type RedisServerProcess } from './redis-server-process.js';

export interface DemoRedis {
  url: string;
  /** Set when we started a throwaway server; stops it. */
  stop?: () => Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null, enableOfflineQueue: false });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/**
 * For the demo (`run --sim`): REDIS_URL if set, else a server on 127.0.0.1:6379, else a private throwaway
 * redis-server from PATH (stopped when we exit), else one clear message on how to get Redis.
 */
export async function ensureDemoRedis(env: NodeJS.ProcessEnv, say: (line: string) => void, local = 'redis://127.0.0.1:6379'): Promise<DemoRedis> {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  if (await answers(local)) return { url: local };
  let server: RedisServerProcess;
  try {
    server = await startRedisServer();
  } catch {
    throw new AppError('redis', 'no Redis found: set REDIS_URL, start one on 127.0.0.1:6379 (e.g. `docker compose up -d redis` or `apt-get install redis-server`), or put redis-server on PATH');
  }
  say(`No Redis at ${local.replace('redis://', '')} and REDIS_URL is unset: started a throwaway redis-server on port ${server.port} for this run (stopped at exit).`);
  return { url: server.url, stop: () => server.stop() };
}
