/**
 * Work a worker started and does not await (a report, the recording of a failed job) but must let finish before it
 * closes Redis: `track` it, and `settle()` at close.
 */
export interface PendingWork {
  track(p: Promise<void>): void;
  settle(): Promise<unknown>;
}

export function pendingWork(): PendingWork {
  const pending = new Set<Promise<void>>();
  return {
    track(p) {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    settle: () => Promise.all(pending),
  };
}
