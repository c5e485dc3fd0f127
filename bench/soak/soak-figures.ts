import type { SoakWorker } from './soak-workers.js';

/** RSS growth of one worker between its warm-up point and the end. */
export interface RssFigure {
  worker: number;
  end: string;
  /** The round whose end is its warm-up point: the first round it lived through from start to end. */
  warmRound: number | null;
  warmRssMb: number | null;
  endRound: number | null;
  endRssMb: number | null;
  /** (end - warm) / warm, in percent; null when it did not live through two round ends after it started. */
  growthPct: number | null;
}

const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

/**
 * Each worker's VmRSS is sampled at the end of every round (all batches done, the worker idle), so the two points
 * compare like with like. The warm-up point is the end of the first round the worker lived through whole (its
 * heap, JIT and connection pools have met a full nightly batch); the end point is its last sample.
 */
export function rssFigures(workers: SoakWorker[], roundStarts: number[]): RssFigure[] {
  return workers.map((w) => {
    const rounds = [...w.rssByRound.keys()].sort((a, b) => a - b).filter((r) => (roundStarts[r] ?? -1) > w.child.startedAt);
    const warmRound = rounds[0] ?? null;
    const endRound = rounds.length > 1 ? (rounds[rounds.length - 1] ?? null) : null;
    const warm = warmRound === null ? null : (w.rssByRound.get(warmRound) ?? null);
    const end = endRound === null ? null : (w.rssByRound.get(endRound) ?? null);
    const growthPct = warm && end ? Math.round(((end - warm) / warm) * 1000) / 10 : null;
    return { worker: w.id, end: w.end ?? 'running', warmRound, warmRssMb: warm === null ? null : mb(warm), endRound, endRssMb: end === null ? null : mb(end), growthPct };
  });
}

/** The keys left at the end that were not there at the start, largest first, with their MEMORY USAGE. */
export function keysLeft(start: Map<string, number>, end: Map<string, number>): Array<{ key: string; bytes: number; grewBy: number }> {
  return [...end]
    .map(([key, bytes]) => ({ key, bytes, grewBy: bytes - (start.get(key) ?? 0) }))
    .filter((k) => k.grewBy > 0)
    .sort((a, b) => b.grewBy - a.grewBy);
}
