import type { Logger } from '../log/logger.js';
import type { WorkerHealth } from './health.js';

/** Network failures in a row (no answer at all) after which every worker pauses instead of burning attempts. */
export const UNREACHABLE_AFTER = 10;

/** Each pause of an outage doubles from S1_BACKOFF_MS up to 32 times it (32 s with the default 1 s). */
const MAX_DOUBLINGS = 5;

export interface Reachability {
  /** A request got no answer (refused, reset, DNS, TLS). True when the row should go back unsent of an attempt. */
  networkFailed(): boolean;
  /** A request got an answer, whatever its status. */
  answered(): void;
}

/**
 * Tells an outage from a bad row. Each network failure is a warning naming the URL; at the tenth in a row the
 * shared limiter pauses every worker for a back-off (S1_BACKOFF_MS, doubling while the outage lasts, to 32 times it)
 * and the process says `cannot reach S1 at <url>` once; the first answer ends the outage.
 */
export function createReachability(apiUrl: string, log: Logger, health: WorkerHealth, pauseAll: (ms: number) => Promise<void>, backoffMs: number): Reachability {
  let inARow = 0;
  let pauses = 0;
  let pausedUntil = 0;
  let outage = false;
  return {
    networkFailed() {
      inARow++;
      log.warn({ api: apiUrl, failuresInARow: inARow }, `no answer from S1 at ${apiUrl}`);
      if (inARow < UNREACHABLE_AFTER) return false;
      // Requests already in flight when the pause began fail into it: they wait out the same pause.
      if (Date.now() < pausedUntil) return true;
      pauses++;
      const pauseMs = backoffMs * 2 ** Math.min(pauses - 1, MAX_DOUBLINGS);
      pausedUntil = Date.now() + pauseMs;
      void pauseAll(pauseMs).catch(() => undefined);
      if (!outage) {
        outage = true;
        health.setS1Problem(`cannot reach S1 at ${apiUrl}`);
        log.error({ api: apiUrl, pauseMs }, `cannot reach S1 at ${apiUrl}: every worker pauses; rows wait without using attempts`);
      }
      return true;
    },
    answered() {
      inARow = 0;
      if (!outage) return;
      outage = false;
      pauses = 0;
      health.setS1Problem(undefined);
      log.info({ api: apiUrl }, `S1 at ${apiUrl} answers again`);
    },
  };
}
