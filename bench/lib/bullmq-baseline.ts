import { Queue } from 'bullmq';
import { ASSIGN_JOB } from '../../src/queue/assign-job.js';
import { ASSIGN_QUEUE } from '../../src/queue/keys.js';
import { spawnNode, type NodeChild } from './child-process.js';
import { benchGroupId, benchUserId } from './csv-fixture.js';
import type { BenchContext } from './context.js';
import { baselineScript } from './paths.js';
import { toolEnv } from './cli-env.js';
import { pollUntil } from './wait.js';

/** Enqueues rows 1..n as bare BullMQ jobs ({accountUserId, groupId}), addBulk of 1,000 at a time. */
export async function enqueueBare(ctx: BenchContext, prefix: string, rows: number): Promise<void> {
  const url = new URL(ctx.redis.url);
  const queue = new Queue(ASSIGN_QUEUE, { connection: { host: url.hostname, port: Number(url.port) }, prefix });
  try {
    for (let start = 1; start <= rows; start += 1000) {
      const jobs = [];
      for (let i = start; i < Math.min(rows + 1, start + 1000); i++) jobs.push({ name: ASSIGN_JOB, data: { accountUserId: benchUserId(i), groupId: benchGroupId(i) } });
      await queue.addBulk(jobs);
    }
  } finally {
    await queue.close();
  }
}

/**
 * Runs `workers` bare BullMQ worker processes (baselines/bullmq-limited-worker) with `limiter {max, duration: 1000}`
 * until `done()` says so (read at the simulator), then stops them.
 */
export async function runBareWorkers(ctx: BenchContext, opts: { prefix: string; apiUrl: string; token: string; max: number; concurrency: number; workers: number; timeoutMs: number; done: () => boolean }): Promise<{ finished: boolean }> {
  const env = toolEnv(ctx, { prefix: opts.prefix });
  const children: NodeChild[] = [];
  try {
    for (let i = 0; i < opts.workers; i++) {
      children.push(spawnNode(baselineScript('bullmq-limited-worker'), [ctx.redis.url, opts.prefix, opts.apiUrl, opts.token, String(opts.max), String(opts.concurrency)], env, { cwd: ctx.tmp }));
    }
    const ok = await pollUntil(() => {
      const dead = children.find((c) => c.proc.exitCode !== null || c.proc.signalCode !== null);
      if (dead) throw new Error(`a baseline worker exited early: ${dead.stderr().trim().slice(-1500)}`);
      return opts.done() ? true : undefined;
    }, opts.timeoutMs, 100);
    return { finished: ok === true };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}
