import { BatchStore, type BatchStatus } from '../../src/queue/batch-store.js';
import { runNode, spawnNode, type NodeChild } from './child-process.js';
import { toolEnv, type ToolSettings } from './cli-env.js';
import type { BenchContext } from './context.js';
import { CLI } from './paths.js';
import { pollUntil } from './wait.js';

/** `bulk-assign import <csv> --batch <id>` as a child process, to completion. */
export function importWithCli(ctx: BenchContext, csv: string, batchId: string, settings: ToolSettings, nodeArgs: string[] = []) {
  return runNode(CLI, ['import', csv, '--batch', batchId], toolEnv(ctx, settings), { cwd: ctx.tmp, nodeArgs });
}

export interface WorkResult {
  /** From the first worker's spawn until the batch record says done (or the timeout). */
  elapsedMs: number;
  /** ms (performance.now) when the first worker was spawned. */
  startedAt: number;
  /** The batch as it stood at the end. */
  batch: BatchStatus | undefined;
  finished: boolean;
  /** Peak RSS of each worker process, bytes. */
  peakRss: number[];
}

/**
 * Starts `workers` worker processes (`bulk-assign worker`), waits until the batch is finished, then stops them with
 * SIGTERM (a clean drain) and waits for them to exit. A worker that dies early fails the run.
 */
export async function workUntilDone(ctx: BenchContext, opts: { settings: ToolSettings; workers: number; batchId: string; timeoutMs: number; nodeArgs?: string[] }): Promise<WorkResult> {
  const store = new BatchStore(ctx.redis.client, opts.settings.prefix, 3600);
  const env = toolEnv(ctx, opts.settings);
  const children: NodeChild[] = [];
  try {
    for (let i = 0; i < opts.workers; i++) children.push(spawnNode(CLI, ['worker'], env, { cwd: ctx.tmp, nodeArgs: opts.nodeArgs ?? [] }));
    const t0 = Math.min(...children.map((c) => c.startedAt));
    const batch = await pollUntil(async () => {
      const dead = children.find((c) => c.proc.exitCode !== null || c.proc.signalCode !== null);
      if (dead) throw new Error(`a worker exited early (${dead.proc.exitCode ?? dead.proc.signalCode}): ${dead.stderr().trim().slice(-1500)}`);
      const b = await store.getBatch(opts.batchId);
      return b?.done ? b : undefined;
    }, opts.timeoutMs);
    const elapsedMs = performance.now() - t0;
    return { elapsedMs, startedAt: t0, batch: batch ?? (await store.getBatch(opts.batchId)), finished: batch !== undefined, peakRss: children.map((c) => c.peakRss()) };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}
