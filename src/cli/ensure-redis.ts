import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { AppError } from '../errors.js';

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

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * For the demo (`run --sim`): REDIS_URL if set, else a server on 127.0.0.1:6379, else a private throwaway
 * redis-server from PATH (stopped when we exit), else one clear message on how to get Redis.
 */
export async function ensureDemoRedis(env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<DemoRedis> {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  const local = 'redis://127.0.0.1:6379';
  if (await answers(local)) return { url: local };
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await Promise.race([once(child, 'spawn'), once(child, 'error').then(([e]) => Promise.reject(e as Error))]);
  } catch {
    throw new AppError('redis', 'no Redis found: set REDIS_URL, start one on 127.0.0.1:6379 (e.g. `docker compose up -d redis` or `apt-get install redis-server`), or put redis-server on PATH');
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  say(`No Redis at 127.0.0.1:6379 and REDIS_URL is unset: started a throwaway redis-server on port ${port} for this run (stopped at exit).`);
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
}
