import { describe, expect, it } from 'vitest';
import { judge, ratioOf } from '../../bench/lib/result-row.js';
import { summarize } from '../../bench/lib/summary.js';

// The bench is not part of npm test, but how it turns repetitions into a verdict is: a wrong statistic would make
// every figure it prints misleading.
describe('bench ratio', () => {
  it('pairs each repetition with the baseline run right after it and takes the median of those ratios', () => {
    // The machine slows down between repetitions: each pair is 0.6x, but the medians come from different minutes.
    const ours = summarize([6_000, 3_000, 9_000]);
    const base = summarize([10_000, 5_000, 15_000]);
    expect(ratioOf(ours, base)).toBeCloseTo(0.6, 10);
    const drifted = summarize([6_000, 3_000, 4_500]);
    const baseDrifted = summarize([10_000, 5_000, 15_000]);
    // Pairs 0.6, 0.6, 0.3 -> 0.6; medians 4,500 / 10,000 would say 0.45.
    expect(ratioOf(drifted, baseDrifted)).toBeCloseTo(0.6, 10);
    const judged = judge(drifted, baseDrifted, { kind: 'ratio-min', value: 0.6, text: '' });
    expect(judged.pass).toBe(true);
    expect(judged.ratioOfMedians).toBeCloseTo(0.45, 10);
  });

  it('sets each repetition against the mean of the baseline runs either side of it when the baseline brackets ours', () => {
    // The machine slows steadily: baseline 10,000 / 8,000 / 6,000 / 4,000 with ours between each two, at 0.9x of the
    // speed of its own moment (the mean of its neighbours). Against the run after, each pair would read 1.01-1.13x;
    // against the run before, 0.75-0.81x.
    const ours = summarize([8_100, 6_300, 4_500]);
    const base = summarize([10_000, 8_000, 6_000, 4_000]);
    expect(ratioOf(ours, base)).toBeCloseTo(0.9, 10);
    const judged = judge(ours, base, { kind: 'ratio-min', value: 0.85, text: '' });
    expect(judged.pass).toBe(true);
    // Speed jumping between runs: baseline 10,000 / 4,000 / 6,000 / 12,000, ours at 0.9x of the mean of its two
    // neighbours (7,000, 5,000, 9,000). The medians would say 6,300 / 8,000 = 0.79x; pairing each with the run
    // before it alone, 1.13x.
    const jumpy = judge(summarize([6_300, 4_500, 8_100]), summarize([10_000, 4_000, 6_000, 12_000]), { kind: 'ratio-min', value: 0.85, text: '' });
    expect(jumpy.ratio).toBeCloseTo(0.9, 10);
    expect(jumpy.ratioOfMedians).toBeCloseTo(0.7875, 10);
    expect(jumpy.pass).toBe(true);
    // One repetition, two baseline runs around it.
    expect(ratioOf(summarize([4_500]), summarize([6_000, 4_000]))).toBeCloseTo(0.9, 10);
    // A zero among the baseline runs cannot be divided by: the medians decide.
    expect(ratioOf(summarize([5, 6]), summarize([0, 10, 10]))).toBeCloseTo(0.55, 10);
  });

  it('falls back to the ratio of medians when the baseline is not one value per repetition', () => {
    expect(ratioOf(summarize([90, 97, 100]), summarize([100]))).toBeCloseTo(0.97, 10);
    // A zero in the baseline cannot be divided by: the medians decide.
    expect(ratioOf(summarize([0, 0, 1]), summarize([0, 300, 400]))).toBeCloseTo(0, 10);
    expect(ratioOf(summarize([5]), summarize([10]))).toBeCloseTo(0.5, 10);
    expect(ratioOf(summarize([5, 6]), null)).toBeNull();
  });

  it('fails a ratio-min target that the paired ratios miss even when the medians would pass', () => {
    // Pairs 0.5, 0.5, 0.9 -> 0.5; medians 5,000 / 8,000 = 0.625.
    const judged = judge(summarize([5_000, 4_000, 7_200]), summarize([10_000, 8_000, 8_000]), { kind: 'ratio-min', value: 0.6, text: '' });
    expect(judged.ratio).toBeCloseTo(0.5, 10);
    expect(judged.ratioOfMedians).toBeCloseTo(0.625, 10);
    expect(judged.pass).toBe(false);
  });
});
