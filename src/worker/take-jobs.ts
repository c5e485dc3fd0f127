import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { checkAccess, type S1Client, type WireObserver } from '../s1/index.js';
import { clearAuthFlag, type AuthGate } from './auth-gate.js';
import type { WorkerHealth } from './health.js';
import { waitForS1 } from './preflight.js';

/** How often an idle worker looks for a rejection another worker recorded. */
export const AUTH_FLAG_CHECK_MS = 5000;

export interface TakeJobsDeps {
  client: S1Client;
  /** A slot under the global limit for each preflight read. */
  slot: () => Promise<WireObserver>;
  apiUrl: string;
  log: Logger;
  health: WorkerHealth;
  redis: Redis;
  authFlagKey: string;
  queue: Queue;
  gate: AuthGate;
  /** Started (run()) once S1 has answered the preflight read. */
  workers: Worker[];
  /** Aborted when the process stops: no preflight or flag check goes on after it. */
  stopping: AbortSignal;
  onStarted(): void;
}

/**
 * Preflight, then the workers run; meanwhile, and after, the auth-failed flag is watched. Resolves with the error
 * that ends this process (a rejected token or a URL that is not S1); never resolves while the worker may go on.
 */
export function takeJobs(d: TakeJobsDeps): Promise<AppError> {
  return new Promise<AppError>((resolve) => {
    void d.gate.failed.then((f) => resolve(new AppError('auth', `S1 rejected the API token (HTTP ${f.status}); rows stay pending: set a valid S1_API_TOKEN and start the worker again`)));
    const fail = (err: unknown) => resolve(err instanceof AppError ? err : new AppError('internal', (err as Error).message, { cause: err }));
    void (async () => {
      if (!(await waitForS1(d.client, d.apiUrl, d.log, d.health, d.stopping, d.slot))) return;
      await clearAuthFlag(d.redis, d.authFlagKey, d.queue, d.log);
      for (const w of d.workers) void w.run();
      d.onStarted();
      await watchAuthFlag(d, resolve);
    })().catch(fail);
  });
}

/**
 * Another worker recorded a rejected token (and paused the queue). This one asks S1 about its own token: rejected
 * too, it ends (an idle worker would otherwise keep the revoked token, and pause the queue again the moment a
 * worker with a new token resumed it); accepted (a newer token), it clears the flag and the queue resumes.
 */
async function watchAuthFlag(d: TakeJobsDeps, end: (err: AppError) => void): Promise<void> {
  while (!d.stopping.aborted) {
    await sleep(AUTH_FLAG_CHECK_MS, undefined, { signal: d.stopping }).catch(() => undefined);
    if (d.stopping.aborted || d.gate.isFailed()) return;
    if (!(await d.redis.exists(d.authFlagKey).catch(() => 0))) continue;
    const check = await d.slot().then((observer) => checkAccess(d.client, d.apiUrl, d.stopping, observer)).catch(() => undefined);
    if (check?.ok) await clearAuthFlag(d.redis, d.authFlagKey, d.queue, d.log);
    else if (check?.kind === 'token') return end(new AppError('auth', `${check.message}; rows stay pending`));
  }
}
