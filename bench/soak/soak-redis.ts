import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerProcess } from '../../src/cli/redis-server-process.js';

/** The settings the README asks users to run Redis with: AOF on, fsync every second, no eviction. */
const AOF_ARGS = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];

/** The soak's own redis-server with AOF, which it kills with SIGKILL and brings back on the same port and data. */
export interface SoakRedis {
  readonly url: string;
  /** The soak's client: it reconnects by itself across a restart and only reads (counts, INFO, key sizes). */
  readonly client: Redis;
  pid(): number;
  /** SIGKILL, then a new redis-server on the same port and directory (the AOF replayed); resolves when it answers. */
  kill9AndRestart(): Promise<void>;
  /** Kills the server and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

export async function startSoakRedis(): Promise<SoakRedis> {
  let server: RedisServerProcess = await startRedisServer({ args: AOF_ARGS });
  const { port, dir, url } = server;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 200 });
  client.on('error', () => undefined);
  let closed: Promise<void> | undefined;
  return {
    url,
    client,
    pid: () => server.pid,
    async kill9AndRestart() {
      await server.stop({ keepDir: true });
      server = await startRedisServer({ args: AOF_ARGS, port, dir });
    },
    close: () =>
      (closed ??= (async () => {
        client.disconnect();
        await server.stop();
      })()),
  };
}

/** INFO memory `used_memory`, in bytes. */
export async function usedMemory(client: Redis): Promise<number> {
  const m = /^used_memory:(\d+)/m.exec(await client.info('memory'));
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

/** The INFO memory fields that tell data from the server's own overhead (Lua script cache, client buffers, AOF). */
const MEMORY_FIELDS = ['used_memory', 'used_memory_dataset', 'used_memory_overhead', 'used_memory_vm_eval', 'used_memory_scripts_eval', 'mem_clients_normal', 'mem_aof_buffer'] as const;

/** Those INFO memory fields, in bytes (0 for a field this Redis does not report). */
export async function memoryBreakdown(client: Redis): Promise<Record<(typeof MEMORY_FIELDS)[number], number>> {
  const info = await client.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return Object.fromEntries(MEMORY_FIELDS.map((f) => [f, field(f)])) as Record<(typeof MEMORY_FIELDS)[number], number>;
}

/**
 * Every key with its MEMORY USAGE, for saying what is left at the end. SAMPLES 0 reads every element: the default
 * samples five and extrapolates, which for BullMQ's events stream (entries of very different sizes) was off by
 * hundreds of KB.
 */
export async function keySizes(client: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) out.set(k, (await client.memory('USAGE', k, 'SAMPLES', 0)) ?? 0);
  } while (cursor !== '0');
  return out;
}
