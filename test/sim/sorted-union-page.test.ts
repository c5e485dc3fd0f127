import { describe, expect, it } from 'vitest';
import { sortedUnionPage } from '../../src/sim/sorted-union-page.js';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sortedUnionPage', () => {
  it('pages like slicing the sorted union, for every offset and a few limits', () => {
    const next = random(7);
    for (let round = 0; round < 30; round++) {
      const all = new Set<string>();
      while (all.size < 40) all.add(String(Math.floor(next() * 1000)).padStart(4, '0'));
      const sorted = [...all].sort();
      const virtual = sorted.filter(() => next() < 0.6);
      const extra = sorted.filter((id) => !virtual.includes(id));
      for (let offset = 0; offset <= sorted.length + 2; offset++) {
        for (const limit of [1, 3, 10, 100]) {
          const page = sortedUnionPage(virtual.length, (i) => virtual[i] as string, extra, offset, limit);
          expect(page).toEqual(sorted.slice(offset, offset + limit));
        }
      }
    }
  });

  it('handles an empty side', () => {
    expect(sortedUnionPage(0, () => 'x', ['a', 'b'], 1, 5)).toEqual(['b']);
    expect(sortedUnionPage(3, (i) => `v${i}`, [], 1, 1)).toEqual(['v1']);
  });
});
