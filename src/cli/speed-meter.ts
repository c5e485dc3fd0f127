/** What a progress view shows about pace: rows per second and the time left, both over what this view saw. */
export interface Pace {
  /** Rows finished per second since the first sample, one decimal. */
  speed: number;
  /** Seconds left at that speed; undefined until a row has finished while watching. */
  etaSeconds: number | undefined;
}

/**
 * Measures pace from the first sample on. Rows finished before it (an import's invalid rows, or everything done
 * before `status --watch` started) are not counted, so a late watcher sees the real speed, not a burst. The ETA is
 * recomputed on every sample, so it grows while nothing moves instead of standing still.
 */
export function createSpeedMeter(now: () => number = Date.now): { sample(done: number, total: number): Pace } {
  let first: { at: number; done: number } | undefined;
  return {
    sample(done, total) {
      const at = now();
      first ??= { at, done };
      const seconds = (at - first.at) / 1000;
      const seen = done - first.done;
      const perSecond = seconds > 0 && seen > 0 ? seen / seconds : 0;
      const left = Math.max(0, total - done);
      const etaSeconds = left === 0 ? 0 : perSecond > 0 ? left / perSecond : undefined;
      return { speed: Math.round(perSecond * 10) / 10, etaSeconds };
    },
  };
}

/** `42s`, `3m05s`, `2h07m`; `--` when unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}
