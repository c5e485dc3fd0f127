import type { SoakWorker } from './soak-workers.js';

/** RSS of one worker over its life, and its trend. */
export interface RssFigure {
  worker: number;
  end: string;
  /** VmRSS (MB) at the end of each round it lived through whole, by round (information). */
  series: Record<number, number>;
  /** Samples (one every RSS_SAMPLE_MS) the trend was judged on: those after its first whole round. */
  samplesJudged: number;
  firstHalfMedianMb: number | null;
  secondHalfMedianMb: number | null;
  /** (second half - first half) / first half, in percent; null with fewer than MIN_SAMPLES samples to judge. */
  growthPct: number | null;
}

/** Fewer samples than this (a worker started late) leave its trend unjudged. */
export const MIN_SAMPLES = 20;

const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Each worker's VmRSS is read every RSS_SAMPLE_MS, busy and idle alike. A single pair of samples says little: V8
 * grows and shrinks its heap in steps of tens of MB as it sees fit (round-end readings of one worker went 142 -> 208
 * -> 140 MB in three rounds), and five round-end readings per half let one such step move a median by 10%. So the
 * trend is the median of the second half of its samples against the median of the first half, leaving out those
 * before the end of its first whole round (heap, JIT and connection pools still growing to their working size). Both
 * halves hold the same mix of busy and idle time; a leak grows the second half, the V8 steps wash out in ~90 samples.
 */
export function rssFigures(workers: SoakWorker[], roundStarts: number[]): RssFigure[] {
  return workers.map((w) => {
    const rounds = [...w.rssByRound.keys()].sort((a, b) => a - b).filter((r) => (roundStarts[r] ?? -1) > w.child.startedAt);
    const series = Object.fromEntries(rounds.map((r) => [r, mb(w.rssByRound.get(r)!)]));
    const firstWhole = roundStarts.findIndex((t) => t > w.child.startedAt);
    const warmUntil = firstWhole >= 0 ? (roundStarts[firstWhole + 1] ?? Infinity) : Infinity;
    const samples = w.rssSamples.filter((s) => s.at >= warmUntil).map((s) => s.bytes);
    const base = { worker: w.id, end: w.end ?? 'running', series, samplesJudged: samples.length };
    if (samples.length < MIN_SAMPLES) return { ...base, firstHalfMedianMb: null, secondHalfMedianMb: null, growthPct: null };
    const half = Math.floor(samples.length / 2);
    const first = median(samples.slice(0, half));
    const second = median(samples.slice(samples.length - half));
    return { ...base, firstHalfMedianMb: mb(first), secondHalfMedianMb: mb(second), growthPct: Math.round(((second - first) / first) * 1000) / 10 };
  });
}

/** The keys left at the end that were not there at the start, largest first, with their MEMORY USAGE. */
export function keysLeft(start: Map<string, number>, end: Map<string, number>): Array<{ key: string; bytes: number; grewBy: number }> {
  return [...end]
    .map(([key, bytes]) => ({ key, bytes, grewBy: bytes - (start.get(key) ?? 0) }))
    .filter((k) => k.grewBy > 0)
    .sort((a, b) => b.grewBy - a.grewBy);
}
