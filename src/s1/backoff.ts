/**
 * The one backoff formula of the tool (BullMQ's retries of a row and the list reader's retries of a page): full
 * jitter, random in [1, base * 2^(n-1)], capped at 5 minutes. Never 0: BullMQ retries a 0 delay without passing
 * through the delayed set, and every retry should look the same.
 */
export function jitterBackoff(attemptsMade: number, baseMs: number): number {
  const ceiling = Math.min(300_000, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return 1 + Math.floor(Math.random() * Math.max(0, ceiling - 1));
}
