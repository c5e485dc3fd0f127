import { expect } from 'vitest';
import type { BatchStatus } from '../../../src/queue/batch-store.js';
import type { E2E } from '../../helpers/e2e.js';
import { expectExactCounts, type FaultRows } from './exact-counts.js';
import { workerPool, type PooledWorker, type WorkerPool } from './worker-pool.js';

/** Options for {@link runFaultBatch}. */
export interface FaultBatchOptions {
  /**
   * Worker processes started after the import.
   * @defaultValue 1
   */
  workers?: number;
  /**
   * Environment of the import and the workers, over the E2E defaults.
   * @defaultValue {}
   */
  env?: Record<string, string | undefined>;
  /**
   * Injects the fault while the workers run (kill some, freeze Redis, revoke a token ...); the batch is awaited
   * after it resolves.
   * @defaultValue nothing
   */
  during?: (pool: WorkerPool) => Promise<void>;
  /**
   * How long the batch may take after `during`.
   * @defaultValue 60000
   */
  timeoutMs?: number;
}

/** What a fault batch ended with; the counts were already checked against the simulator. */
export interface FaultBatchResult {
  batch: BatchStatus;
  /** Exit codes of the workers still running at the end, stopped with SIGTERM. */
  codes: Array<number | null>;
  pool: WorkerPool;
}

/**
 * The shape of most fault tests: import `rows` as `batchId` with the real CLI, start workers, inject the fault,
 * wait for the batch (polling its state, never a fixed sleep), drain the workers and check exact counts at the
 * simulator. A batch that does not finish fails with where it stood and the workers' stderr.
 */
export async function runFaultBatch(e: E2E, rows: FaultRows, batchId: string, options: FaultBatchOptions = {}): Promise<FaultBatchResult> {
  const env = options.env ?? {};
  const imp = await e.cli(['import', e.file(`${batchId}.csv`, rows.csv), '--batch', batchId], env);
  expect(imp.code, imp.stderr).toBe(0);
  const pool = workerPool(e, env);
  pool.start(options.workers ?? 1);
  await options.during?.(pool);
  await e.waitDone(batchId, options.timeoutMs ?? 60_000).catch(async (err: unknown) => {
    const status = await e.store.getBatch(batchId);
    const stderr = pool.all.map((w) => w.stderr()).join('').slice(-2000);
    throw new Error(`${(err as Error).message}; batch ${JSON.stringify(status)}; workers' stderr: ${stderr}`);
  });
  const codes = await pool.stop();
  const batch = await expectExactCounts(e, batchId, rows);
  return { batch, codes, pool };
}

/** No worker wrote anything but pino lines: no raw stack traces, no console output from a library. */
export function expectOnlyLogLines(workers: readonly PooledWorker[]): void {
  for (const w of workers) {
    expect(w.stderr(), 'stderr').toBe('');
    const stray = w.stdout().split('\n').filter((l) => l !== '' && !l.startsWith('{'));
    expect(stray, 'stdout lines that are not pino').toEqual([]);
  }
}
