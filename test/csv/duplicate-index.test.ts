import { describe, expect, it } from 'vitest';
import { DuplicateIndex, strictPairKey } from '../../src/csv/duplicate-index.js';
import { groupId, userId } from './csv-test-helpers.js';

describe('DuplicateIndex', () => {
  it('returns the first line of a repeated pair and remembers only new pairs', () => {
    const index = new DuplicateIndex(false);
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0001', 2)).toBeUndefined();
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0002', 3)).toBeUndefined();
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0001', 4)).toBe(2);
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0001', 5)).toBe(2);
    expect(index.size).toBe(2);
  });

  it('keys strict pairs with five characters, distinct for distinct pairs', () => {
    const keys = new Set<string>();
    for (let u = 0; u < 300; u++) {
      for (const g of [0, 1, 9999, 10_000, 99_999_999]) {
        const key = strictPairKey(userId(u * 333_333_333), groupId(g));
        expect(key).toHaveLength(5);
        keys.add(key);
      }
    }
    expect(keys.size).toBe(300 * 5);
    const nines = String.fromCharCode(9999, 9999, 9999, 9999, 9999);
    expect(strictPairKey('AUSR-9999-9999-9999', 'UGR-9999-9999')).toBe(nines);
  });

  it('keeps loose pairs apart even when the ids could be joined two ways', () => {
    const index = new DuplicateIndex(true);
    expect(index.firstLineOf('ab', 'c', 2)).toBeUndefined();
    expect(index.firstLineOf('a', 'bc', 3)).toBeUndefined();
    expect(index.firstLineOf('ab', 'c', 4)).toBe(2);
  });
});
