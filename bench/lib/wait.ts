import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `fn` every `everyMs` until it returns something other than undefined; undefined after `timeoutMs`. */
export async function pollUntil<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 50): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (performance.now() > end) return undefined;
    await sleep(everyMs);
  }
}
