import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  url: string;
  /** The redis-server's pid (its CPU time counts as the bench's own). */
  pid: number;
  /** A client of the bench itself (memory figures, FLUSHALL between repetitions). */
  client: Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * A redis-server of the bench's own on a free port, no persistence (the figures measure the tool, not fsync), and
 * `noeviction` as users must run it. Nothing outside this process' Redis is ever touched.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    try {
      if (client.status !== 'ready') await client.connect();
      await client.ping();
      up = true;
    } catch {
      await sleep(50);
    }
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port} (is redis-server installed?)`);
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    pid: child.pid ?? 0,
    client,
    stop: () =>
      (stopped ??= (async () => {
        client.disconnect();
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
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
