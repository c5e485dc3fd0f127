import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/cli/ensure-redis.js';

export { freePort };

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL by default; `graceful` sends SIGTERM so Redis writes its AOF. `keepDir` keeps the data directory. */
  stop(options?: { graceful?: boolean; keepDir?: boolean }): Promise<void>;
}

/** A throwaway redis-server of our own on a free port: tests never touch a Redis they did not start. */
export async function startRedisServer(extraArgs: string[] = [], port?: number, dir?: string): Promise<PrivateRedis> {
  const p = port ?? (await freePort());
  const d = dir ?? mkdtempSync(join(tmpdir(), 'ba-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', d, ...extraArgs], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${p}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    try {
      if (probe.status !== 'ready') await probe.connect();
      await probe.ping();
      up = true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${p} (is redis-server installed?)`);
  }
  return {
    url,
    port: p,
    dir: d,
    async stop(options = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(options.graceful ? 'SIGTERM' : 'SIGKILL');
        await once(child, 'exit');
      }
      if (!options.keepDir) rmSync(d, { recursive: true, force: true });
    },
  };
}
