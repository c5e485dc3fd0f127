import type { ChildProcess } from 'node:child_process';
import { collect, spawnCli, stopped, waitFor } from '../../helpers/cli.js';
import type { E2E } from '../../helpers/e2e.js';

/** Short locks, so a killed or frozen worker's jobs are taken over in about a second rather than thirty. */
export const FAST_STALL = { WORKER_LOCK_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500' };

/** One `bulk-assign worker` child process and its output so far. */
export interface PooledWorker {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

/**
 * Worker child processes (the real CLI, as users run it) that a test can kill -9 and replace. Every worker ever
 * started stays in {@link WorkerPool.all}, so a test can check the output of the dead ones too; the E2E leak guard
 * still fails a test that leaves one running.
 */
export interface WorkerPool {
  /** Workers still running. */
  readonly live: readonly PooledWorker[];
  /** Every worker started, dead or alive, in start order. */
  readonly all: readonly PooledWorker[];
  /** Starts `n` more workers with the pool's environment plus `extra`. */
  start(n?: number, extra?: Record<string, string | undefined>): PooledWorker[];
  /** SIGKILL the oldest live worker and wait until it is gone; returns it. */
  kill9(): Promise<PooledWorker>;
  /** Resolves when `w` has logged that it started (its signal handlers are in place), or has exited. */
  started(w: PooledWorker): Promise<void>;
  /**
   * SIGTERM every live worker (a clean drain) and return their exit codes in start order. A worker still starting
   * up is waited for first: before its handlers are in place SIGTERM would simply kill it.
   */
  stop(): Promise<Array<number | null>>;
}

/** A pool whose workers run with `e.env(env)`. Starts none. */
export function workerPool(e: E2E, env: Record<string, string | undefined> = {}): WorkerPool {
  const all: PooledWorker[] = [];
  const isLive = (w: PooledWorker) => w.child.exitCode === null && w.child.signalCode === null;
  const exited = async (w: PooledWorker) => (await stopped(w.child))[0];
  return {
    get live() {
      return all.filter(isLive);
    },
    all,
    start(n = 1, extra = {}) {
      const started = Array.from({ length: n }, () => {
        const child = spawnCli(['worker'], e.env({ ...env, ...extra }));
        const out = collect(child);
        return { child, stdout: out.stdout, stderr: out.stderr };
      });
      all.push(...started);
      return started;
    },
    async kill9() {
      const victim = all.find(isLive);
      if (!victim) throw new Error('no live worker to kill');
      victim.child.kill('SIGKILL');
      await exited(victim);
      return victim;
    },
    async started(w) {
      await waitFor('a worker to start', () => !isLive(w) || w.stdout().includes('"msg":"worker started"'), 60_000, 50);
    },
    async stop() {
      await Promise.all(all.filter(isLive).map((w) => this.started(w)));
      const live = all.filter(isLive);
      for (const w of live) w.child.kill('SIGTERM');
      return Promise.all(live.map(exited));
    },
  };
}
