import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** A port nobody listens on right now, on the loopback interface. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export interface RedisServerProcess {
  url: string;
  port: number;
  dir: string;
  pid: number;
  /** SIGKILL by default; `graceful` sends SIGTERM so Redis writes its AOF. `keepDir` keeps the data directory. */
  stop(options?: { graceful?: boolean; keepDir?: boolean }): Promise<void>;
}

/**
 * A private redis-server from PATH on a free port (or the given one), no RDB snapshots, answering before this
 * resolves. Used by the demo when no Redis is around, by the tests and by the benchmarks: none of them ever
 * touches a Redis it did not start. Throws when redis-server is missing or does not come up.
 */
export async function startRedisServer(options: { args?: string[]; port?: number; dir?: string } = {}): Promise<RedisServerProcess> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ba-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(options.args ?? [])], { stdio: 'ignore' });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  const up = async () => {
    for (let i = 0; i < 100; i++) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        await probe.ping();
        return true;
      } catch {
        await sleep(50);
      }
    }
    return false;
  };
  let ready = false;
  try {
    ready = await Promise.race([up(), spawnError]);
  } catch {
    ready = false;
  } finally {
    probe.disconnect();
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port} (is redis-server installed?)`);
  }
  return {
    url,
    port,
    dir,
    pid: child.pid ?? 0,
    async stop(stopOptions = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(stopOptions.graceful ? 'SIGTERM' : 'SIGKILL');
        await once(child, 'exit');
      }
      if (!stopOptions.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
