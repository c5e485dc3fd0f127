import { describe, expect, it } from 'vitest';
import { rssFigures } from '../../bench/soak/soak-figures.js';
import type { SoakWorker } from '../../bench/soak/soak-workers.js';

const MB = 2 ** 20;
const worker = (id: number, startedAt: number, rss: number[]): SoakWorker =>
  ({ id, child: { startedAt }, rssByRound: new Map(rss.map((r, i) => [i, r * MB])), end: 'stopped' }) as unknown as SoakWorker;
const starts = Array.from({ length: 10 }, (_, i) => 100 + i * 100);

// The soak's verdict on worker memory is computed, not eyeballed: a wrong statistic would pass a leak or fail V8's
// ordinary heap steps.
describe('soak RSS trend', () => {
  it('compares the medians of the two halves of the samples after the first round, so a V8 heap step does not decide', () => {
    const [f] = rssFigures([worker(1, 0, [120, 150, 160, 210, 155, 162, 158, 205, 161, 160])], starts);
    // After round 0: 150 160 210 155 | 162 | 158 205 161 160 -> medians 157.5 and 160.5, where the two samples alone
    // (150 -> 160) or a step (210 -> 155) would say +6.7% or -26%.
    expect(f).toMatchObject({ firstHalfMedianMb: 157.5, secondHalfMedianMb: 160.5, growthPct: 1.9 });
    expect(Object.keys(f!.series)).toHaveLength(10);
  });

  it('shows a steady leak as growth', () => {
    const [f] = rssFigures([worker(1, 0, [100, 110, 120, 130, 140, 150, 160, 170, 180, 190])], starts);
    expect(f!.growthPct).toBeGreaterThan(20);
  });

  it('judges only rounds a worker lived through whole, and says nothing with fewer than four samples after its first', () => {
    // Started during round 5: rounds 0-5 are not its own.
    const [f] = rssFigures([worker(3, 650, [0, 0, 0, 0, 0, 0, 130, 140, 150, 160])], starts);
    expect(Object.keys(f!.series)).toEqual(['6', '7', '8', '9']);
    expect(f!.growthPct).toBeNull();
  });
});
