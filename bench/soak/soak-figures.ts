import type { SoakWorker } from './soak-workers.js';

/** RSS of one worker over its life, and its trend. */
export interface RssFigure {
  worker: number;
  end: string;
  /** VmRSS (MB) at the end of each round it lived through whole, by round. */
  series: Record<number, number>;
  firstHalfMedianMb: number | null;
  secondHalfMedianMb: number | null;
  /** (second half - first half) / first half, in percent; null with fewer than four samples after its first. */
  growthPct: number | null;
}

const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Each worker's VmRSS is sampled at the end of every round (all batches done, the worker idle), so the samples compare
 * like with like. A single pair of samples says little: V8 grows and shrinks its heap in steps of tens of MB as it
 * sees fit (one worker here went 211 -> 167 MB between two round ends), so the trend is the median of the second
 * half of its samples against the median of the first half, leaving out its first round (heap, JIT and connection
 * pools still growing to their working size). A leak grows the second half; the V8 steps wash out in the medians.
 */
export function rssFigures(workers: SoakWorker[], roundStarts: number[]): RssFigure[] {
  return workers.map((w) => {
    const rounds = [...w.rssByRound.keys()].sort((a, b) => a - b).filter((r) => (roundStarts[r] ?? -1) > w.child.startedAt);
    const series = Object.fromEntries(rounds.map((r) => [r, mb(w.rssByRound.get(r)!)]));
    const samples = rounds.slice(1).map((r) => w.rssByRound.get(r)!);
    if (samples.length < 4) return { worker: w.id, end: w.end ?? 'running', series, firstHalfMedianMb: null, secondHalfMedianMb: null, growthPct: null };
    const half = Math.floor(samples.length / 2);
    const first = median(samples.slice(0, half));
    const second = median(samples.slice(samples.length - half));
    return { worker: w.id, end: w.end ?? 'running', series, firstHalfMedianMb: mb(first), secondHalfMedianMb: mb(second), growthPct: Math.round(((second - first) / first) * 1000) / 10 };
  });
}

/** The keys left at the end that were not there at the start, largest first, with their MEMORY USAGE. */
export function keysLeft(start: Map<string, number>, end: Map<string, number>): Array<{ key: string; bytes: number; grewBy: number }> {
  return [...end]
    .map(([key, bytes]) => ({ key, bytes, grewBy: bytes - (start.get(key) ?? 0) }))
    .filter((k) => k.grewBy > 0)
    .sort((a, b) => b.grewBy - a.grewBy);
}
