import type { Logger } from '../log/logger.js';
import type { WorkerHealth } from './health.js';

/** Network failures in a row (no answer at all) after which every worker pauses instead of burning attempts. */
export const UNREACHABLE_AFTER = 10;

export interface Reachability {
  /** A request got no answer (refused, reset, DNS, TLS). True when the row should go back unsent of an attempt. */
  networkFailed(): boolean;
  /** A request got an answer, whatever its status. */
  answered(): void;
}

/**
 * Tells an outage from a bad row. Each network failure is a warning naming the URL; at the tenth in a row the
 * shared limiter pauses every worker for a back-off (doubling to a minute while it lasts) and the process says
 * `cannot reach S1 at <url>` once; the first answer ends the outage.
 */
export function createReachability(apiUrl: string, log: Logger, health: WorkerHealth, pauseAll: (ms: number) => Promise<void>): Reachability {
  let inARow = 0;
  let outage = false;
  return {
    networkFailed() {
      inARow++;
      log.warn({ api: apiUrl, failuresInARow: inARow }, `no answer from S1 at ${apiUrl}`);
      if (inARow < UNREACHABLE_AFTER) return false;
      const pauseMs = Math.min(60_000, 1000 * 2 ** Math.min(inARow - UNREACHABLE_AFTER, 6));
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
      health.setS1Problem(undefined);
      log.info({ api: apiUrl }, `S1 at ${apiUrl} answers again`);
    },
  };
}
