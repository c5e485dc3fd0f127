import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';

export interface AuthFailure {
  status: number;
  message: string;
}

/** The token was rejected: every worker stops taking jobs, rows stay pending, until a token is accepted again. */
export interface AuthGate {
  /** True once S1 rejected the token in this process. */
  isFailed(): boolean;
  /** Resolves when S1 rejected the token. */
  readonly failed: Promise<AuthFailure>;
  /** Records the rejection for every worker (Redis flag, queue paused); the first call wins. */
  reject(status: number, message: string): Promise<void>;
}

/** A short, one-way fingerprint: says which token was rejected (in the flag, for people) without storing it. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

interface AuthFlag {
  fingerprint: string;
  at: string;
  status: number;
}

/**
 * After S1 accepted this process's token (preflight): a flag left by an earlier rejection is cleared and the queue
 * it paused resumes, so the ban ends the moment a token works again, whether it is a new token or the same one
 * that a temporary 401 (or a wrong URL that answered 401) had refused.
 */
export async function clearAuthFlag(redis: Redis, flagKey: string, queue: Queue, log: Logger): Promise<void> {
  const previous = await redis.get(flagKey);
  if (!previous) return;
  const p = JSON.parse(previous) as AuthFlag;
  await redis.del(flagKey);
  await queue.resume();
  log.info({ rejectedAt: p.at, httpStatus: p.status }, 'S1 accepts the API token: resuming the queue that a rejected token had paused');
}

export function createAuthGate(redis: Redis, flagKey: string, queue: Queue, fingerprint: string, log: Logger): AuthGate {
  let failure: AuthFailure | undefined;
  let resolveFailed!: (f: AuthFailure) => void;
  const failed = new Promise<AuthFailure>((r) => (resolveFailed = r));
  return {
    failed,
    isFailed: () => failure !== undefined,
    async reject(status, message) {
      if (failure) return;
      failure = { status, message };
      const flag: AuthFlag = { fingerprint, status, at: new Date().toISOString() };
      await redis.set(flagKey, JSON.stringify(flag));
      await queue.pause();
      log.error({ httpStatus: status, detail: message }, `S1 rejected the API token (HTTP ${status}): every worker stops; rows stay pending. Set a valid S1_API_TOKEN and start a worker again.`);
      resolveFailed(failure);
    },
  };
}
