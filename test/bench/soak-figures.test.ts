import { describe, expect, it } from 'vitest';
import { rssFigures } from '../../bench/soak/soak-figures.js';
import type { SoakWorker } from '../../bench/soak/soak-workers.js';

const MB = 2 ** 20;
const starts = Array.from({ length: 10 }, (_, i) => 100 + i * 100);
/** A worker started at `startedAt` with one VmRSS reading (MB) every 10 time units from `from` on. */
const worker = (id: number, startedAt: number, rss: number[], from = 200): SoakWorker =>
  ({
    id,
    child: { startedAt },
    rssByRound: new Map<number, number>(),
    rssSamples: rss.map((r, i) => ({ at: from + i * 10, bytes: r * MB })),
    end: 'stopped',
  }) as unknown as SoakWorker;
const repeat = (xs: number[], times: number) => Array.from({ length: times }, () => xs).flat();

describe('soak RSS trend', () => {
  it('compares the medians of the two halves of its readings, so V8 heap steps do not decide', () => {
    // Readings that swing between 140 and 210 MB as the heap steps, the same mix in both halves: no growth, where
    // two readings alone (140 -> 210) would say +50%.
    const [f] = rssFigures([worker(1, 0, repeat([150, 210, 160, 140, 155], 8))], starts);
    expect(f).toMatchObject({ samplesJudged: 40, firstHalfMedianMb: 155, secondHalfMedianMb: 155, growthPct: 0 });
  });

  it('shows a steady leak as growth', () => {
    const [f] = rssFigures([worker(1, 0, Array.from({ length: 40 }, (_, i) => 100 + i * 2))], starts);
    expect(f!.growthPct).toBeGreaterThan(20);
  });

  it('leaves out the readings before the end of its first whole round (warming up)', () => {
    // Started at 0: round 0 (100-200) is its first whole round, so readings before 200 are left out.
    const [f] = rssFigures([worker(1, 0, [...repeat([50], 10), ...repeat([150], 30)], 100)], starts);
    expect(f).toMatchObject({ samplesJudged: 30, growthPct: 0 });
  });

  it('says nothing with fewer than twenty readings to judge (a worker started late)', () => {
    // Started during round 5 (at 650): its first whole round is 6, readings count from round 7's start (800).
    const [f] = rssFigures([worker(3, 650, repeat([150], 30), 660)], starts);
    expect(f!.samplesJudged).toBe(16);
    expect(f!.growthPct).toBeNull();
  });
});
