import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { startSimulator, type SimOptions, type Simulator } from '../../src/sim/index.js';
import { BatchStore, type BatchStatus } from '../../src/queue/batch-store.js';
import { collect, killAllChildren, runCli, spawnCli, stopped, waitFor, type CliResult } from './cli.js';
import { childEnv, redisUrl, tempDir, uniquePrefix } from './test-env.js';

/** Everything an end-to-end test needs: a simulator over real HTTP, a key prefix, a temp dir and child env. */
export interface E2E {
  sim: Simulator;
  token: string;
  prefix: string;
  dir: string;
  redis: Redis;
  store: BatchStore;
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  cli(args: string[], extra?: Record<string, string | undefined>, timeoutMs?: number): Promise<CliResult>;
  file(name: string, content: string): string;
  waitDone(batchId: string, timeoutMs?: number): Promise<BatchStatus>;
  close(): Promise<void>;
}

export async function startE2E(name: string, simOptions: Partial<SimOptions> = {}, redis_: { url?: string } = {}): Promise<E2E> {
  const url = redis_.url ?? redisUrl();
  // A distinctive token, so "it never appears anywhere" can be checked by searching for it.
  const token = `tok_${randomBytes(12).toString('hex')}_SECRET`;
  const sim = await startSimulator({ token, ...simOptions });
  const prefix = uniquePrefix(name);
  const dir = tempDir(name);
  const redis = new Redis(url);
  const store = new BatchStore(redis, prefix, 3600);
  const env = (extra: Record<string, string | undefined> = {}) =>
    childEnv({
      REDIS_URL: url,
      QUEUE_PREFIX: prefix,
      S1_API_URL: sim.url,
      S1_API_TOKEN: token,
      REPORT_DIR: join(dir, 'reports'),
      S1_BACKOFF_MS: '50',
      S1_RATE_LIMIT: '200',
      ...extra,
    });
  return {
    sim,
    token,
    prefix,
    dir,
    redis,
    store,
    env,
    cli: (args, extra, timeoutMs) => runCli(args, env(extra), timeoutMs),
    file(fileName, content) {
      const p = join(dir, fileName);
      writeFileSync(p, content);
      return p;
    },
    waitDone: (batchId, timeoutMs = 40_000) => waitFor(`batch ${batchId} to finish`, async () => {
      const b = await store.getBatch(batchId);
      return b?.done ? b : undefined;
    }, timeoutMs),
    async close() {
      const leaked = await killAllChildren();
      await sim.close();
      await redis.quit();
      // Leak guard: a test that leaves a worker or CLI process running fails here.
      expect(leaked, 'child processes left running').toBe(0);
    },
  };
}

/** `n` distinct valid rows: AUSR-1000-0000-0001.. x one group. */
export function csvRows(n: number, group = 'UGR-1234-5678', start = 1): string {
  const lines = ['accountUserId,groupId'];
  for (let i = start; i < start + n; i++) lines.push(`AUSR-1000-0000-${String(i).padStart(4, '0')},${group}`);
  return lines.join('\n') + '\n';
}

/** `n` distinct valid rows of one group, for files larger than csvRows allows (it stops at 9,999 users). */
export function csvManyRows(n: number, group = 'UGR-1234-5678'): string {
  const lines = ['accountUserId,groupId'];
  for (let i = 1; i <= n; i++) lines.push(`AUSR-1000-${String(Math.floor(i / 10_000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')},${group}`);
  return lines.join('\n') + '\n';
}

/** Every value under `prefix`, read type by type (DUMP output is compressed, so searching it proves nothing). */
export async function redisValues(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const key of await redis.keys(`${prefix}*`)) {
    out.push(key);
    const type = await redis.type(key);
    if (type === 'string') out.push((await redis.getBuffer(key))?.toString('latin1') ?? '');
    else if (type === 'hash') out.push(...Object.entries(await redis.hgetall(key)).flat());
    else if (type === 'list') out.push(...(await redis.lrange(key, 0, -1)));
    else if (type === 'set') out.push(...(await redis.smembers(key)));
    else if (type === 'zset') out.push(...(await redis.zrange(key, 0, -1)));
    else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return out;
}

/** Parses NDJSON log output, ignoring non-JSON lines (summaries). */
export function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Imports `csv` as `batchId`, runs `workers` worker processes until the batch is done, stops them with SIGTERM. */
export async function importAndWork(e: E2E, csv: string, batchId: string, workers: number, env: Record<string, string | undefined> = {}, timeoutMs = 60_000) {
  const imp = await e.cli(['import', e.file(`${batchId}.csv`, csv), '--batch', batchId], env);
  expect(imp.code, imp.stderr).toBe(0);
  const procs = Array.from({ length: workers }, () => spawnCli(['worker'], e.env(env)));
  const outputs = procs.map((p) => collect(p));
  const batch = await e.waitDone(batchId, timeoutMs);
  // A worker still starting up has no SIGTERM handler yet and would die of the signal: stop each once it started.
  await Promise.all(procs.map((p, i) => waitFor('a worker to start', () => p.exitCode !== null || p.signalCode !== null || outputs[i]!.stdout().includes('"worker started"'), 30_000)));
  for (const p of procs) p.kill('SIGTERM');
  // stopped(): at 'close', so the log lines a worker writes as it stops are all in `logs`.
  const codes = (await Promise.all(procs.map(stopped))).map(([code]) => code);
  return { batch, codes, logs: outputs.flatMap((o) => logLines(o.stdout())), stderr: outputs.map((o) => o.stderr()).join('') };
}
