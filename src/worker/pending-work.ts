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

/**
 * Work counted rather than held: `begin` and `end` around each piece, `settle()` resolves once none is left. For what
 * a busy worker starts per row (a promise and a set entry per row would be more for its young generation to copy).
 */
export interface Outstanding {
  begin(): void;
  end(): void;
  settle(): Promise<void>;
}

export function outstanding(): Outstanding {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    begin() {
      count++;
    },
    end() {
      if (--count > 0) return;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
    settle: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
