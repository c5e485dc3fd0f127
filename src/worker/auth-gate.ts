import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';

export interface AuthFailure {
  status: number;
  message: string;
}

/** The token was rejected: every worker stops taking jobs, rows stay pending, until a different token starts. */
export interface AuthGate {
  /** True once S1 rejected the token in this process. */
  isFailed(): boolean;
  /** Resolves when S1 rejected the token. */
  readonly failed: Promise<AuthFailure>;
  /** Records the rejection for every worker (Redis flag, queue paused); the first call wins. */
  reject(status: number, message: string): Promise<void>;
}

/** A short, one-way fingerprint: lets workers recognise "the token that was rejected" without storing the token. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

interface AuthFlag {
  fingerprint: string;
  at: string;
  status: number;
}

/**
 * At start-up: a token another worker saw rejected is refused at once (it would fail again); a different token
 * clears the flag and resumes the queue that the rejection paused.
 */
export async function checkAuthFlag(redis: Redis, flagKey: string, queue: Queue, fingerprint: string, log: Logger): Promise<void> {
  const previous = await redis.get(flagKey);
  if (!previous) return;
  const p = JSON.parse(previous) as AuthFlag;
  if (p.fingerprint === fingerprint) {
    throw new AppError('auth', `S1 rejected this API token (HTTP ${p.status}) at ${p.at}: set a valid S1_API_TOKEN and start again`);
  }
  await redis.del(flagKey);
  await queue.resume();
  log.info('a new API token is configured: resuming the queue that a rejected token had paused');
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
