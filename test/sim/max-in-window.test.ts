import { describe, expect, it } from 'vitest';
import { maxInWindow } from '../../src/sim/max-in-window.js';
import { SlidingWindow } from '../../src/sim/sliding-window.js';

/** Obvious O(n^2) definition to check the two-pointer version against. */
function bruteForce(sorted: number[], windowMs: number): number {
  let best = 0;
  for (const start of sorted) best = Math.max(best, sorted.filter((t) => t >= start && t < start + windowMs).length);
  return best;
}

function randomSorted(n: number, spreadMs: number): number[] {
  return Array.from({ length: n }, () => Math.floor(Math.random() * spreadMs)).sort((a, b) => a - b);
}

describe('maxInWindow', () => {
  it('is 0 for no timestamps and 1 for one', () => {
    expect(maxInWindow([], 1000)).toBe(0);
    expect(maxInWindow([42], 1000)).toBe(1);
  });

  it('treats windows as half-open: events exactly windowMs apart never share one', () => {
    expect(maxInWindow([0, 1000, 2000], 1000)).toBe(1);
    expect(maxInWindow([0, 999.9, 1999.8], 1000)).toBe(2);
    expect(maxInWindow([0, 10, 999, 1000, 1500], 1000)).toBe(3);
  });

  it('counts equal timestamps together', () => {
    expect(maxInWindow([5, 5, 5, 5], 1)).toBe(4);
  });

  it('works on typed arrays', () => {
    expect(maxInWindow(Float64Array.from([1, 2, 3, 1500]), 1000)).toBe(3);
  });

  it('rejects unsorted input and a non-positive window', () => {
    expect(() => maxInWindow([3, 1], 1000)).toThrow(/not sorted at index 1/);
    expect(() => maxInWindow([1], 0)).toThrow(RangeError);
  });

  it('agrees with the brute-force definition on random data', () => {
    for (let round = 0; round < 50; round++) {
      const ts = randomSorted(200, 5000);
      expect(maxInWindow(ts, 1000)).toBe(bruteForce(ts, 1000));
    }
  });
});

describe('SlidingWindow', () => {
  it('keeps a running max equal to maxInWindow, across buffer growth', () => {
    const ts = randomSorted(20_000, 10_000); // ~2,000 per window: forces growth past the initial 1,024 slots
    const window = new SlidingWindow(1000);
    let best = 0;
    for (const t of ts) {
      window.expire(t);
      window.push(t);
      best = Math.max(best, window.size);
    }
    expect(best).toBe(maxInWindow(ts, 1000));
  });

  it('drops the oldest timestamps at its cap, so memory stays bounded', () => {
    const window = new SlidingWindow(1000, 4);
    for (let t = 0; t < 10; t++) window.push(t);
    expect(window.size).toBe(4);
    expect(window.oldest()).toBe(6);
    window.expire(1006);
    expect(window.size).toBe(3);
  });
});
