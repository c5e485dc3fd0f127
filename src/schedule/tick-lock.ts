import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// Compare-and-act: only the holder (same random token) may extend or release the lock.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A held lock; `release` is safe to call twice. */
export interface HeldLock {
  /** False once a renewal found the lock gone or taken (the holder stalled past the lease). */
  readonly held: boolean;
  release(): Promise<void>;
}

/**
 * Takes a lease-based lock (SET NX PX) and keeps renewing it every third of the lease while held, so a long import
 * keeps it and a dead worker's lock runs out after `leaseMs`. Resolves undefined when another holder has it.
 */
export async function acquireTickLock(redis: Redis, key: string, leaseMs: number, onLost?: () => void): Promise<HeldLock | undefined> {
  const token = randomBytes(12).toString('hex');
  const ok = await redis.set(key, token, 'PX', leaseMs, 'NX');
  if (ok !== 'OK') return undefined;
  let held = true;
  let released: Promise<void> | undefined;
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, key, token, leaseMs).then(
      (r) => {
        if (r === 0 && held) {
          held = false;
          onLost?.();
        }
      },
      () => undefined, // Redis away for a moment: the next renewal tries again.
    );
  }, Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    get held() {
      return held;
    },
    release() {
      released ??= (async () => {
        clearInterval(timer);
        held = false;
        await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      })();
      return released;
    },
  };
}
