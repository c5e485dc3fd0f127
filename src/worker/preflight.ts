import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Config } from '../config/index.js';
import { LimiterClosedError, withS1Read } from '../queue/index.js';
import { checkAccess, type S1Client, type WireObserver } from '../s1/index.js';
import type { WorkerHealth } from './health.js';

/** Waits between preflight attempts while S1 cannot be reached: 1 s doubling to 30 s. */
export function preflightDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
}

/**
 * Before a worker takes its first job: one authenticated read proves URL and token. While nothing answers the
 * worker keeps trying (a warning per attempt, unhealthy meanwhile) rather than exiting, so a container does not
 * crash-loop through an S1 outage. A rejected token or a URL that is not S1 cannot pass by waiting: AppError.
 * Resolves false when `signal` aborted (shutdown) before S1 answered.
 */
export async function waitForS1(client: S1Client, apiUrl: string, log: Logger, health: WorkerHealth, signal: AbortSignal, slot: () => Promise<WireObserver>): Promise<boolean> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    // The read is a request like any other: it takes its place under the global limit.
    const check = await slot().then((observer) => checkAccess(client, apiUrl, signal, observer)).catch((err: unknown) => {
      if (signal.aborted || err instanceof LimiterClosedError) return undefined;
      throw err;
    });
    if (check === undefined) return false;
    if (check.ok) {
      health.setS1Problem(undefined);
      if (attempt > 1) log.info({ api: apiUrl }, 'S1 answers again: taking jobs');
      return true;
    }
    health.setS1Problem(check.message);
    if (check.kind === 'token') throw new AppError('auth', check.message);
    if (check.kind === 'not-s1') throw new AppError('config', check.message);
    const waitMs = preflightDelayMs(attempt);
    log.warn({ api: apiUrl, attempt, retryInMs: waitMs }, `${check.message}; no job is taken until it answers`);
    await sleep(waitMs, undefined, { signal }).catch(() => undefined);
  }
  return false;
}

/**
 * `run`'s preflight: one read, and any failure is fatal (exit 1, one line naming what to fix), before the import.
 * It takes its slot under the global limit like every request, since workers may already be sending.
 */
export async function checkS1(config: Config): Promise<void> {
  const check = await withS1Read(config, async (client, limiter) => checkAccess(client, config.apiUrl, undefined, await limiter.acquire()), 1);
  if (check.ok) return;
  throw new AppError(check.kind === 'token' ? 'auth' : check.kind === 'unreachable' ? 'unreachable' : 'config', `${check.message}; nothing was queued`);
}
