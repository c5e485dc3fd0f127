import { describe, expect, it } from 'vitest';
import { DuplicateIndex, hash3, stringPairHash } from '../../src/csv/duplicate-index.js';
import { groupId, userId } from './csv-test-helpers.js';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Pair = readonly [string, string];

/**
 * Feeds `pairs` to the index in order (pair i on line i + 2) and checks every answer against a plain Map keyed by
 * the pair as JSON (exact for any strings): the first line for a repeat, undefined for a new pair. Returns how many
 * repeats were seen.
 */
function expectSameAsMap(index: DuplicateIndex, pairs: readonly Pair[]): number {
  const reference = new Map<string, number>();
  let repeats = 0;
  const wrong: string[] = [];
  pairs.forEach(([u, g], i) => {
    const line = i + 2;
    const key = JSON.stringify([u, g]);
    const expected = reference.get(key);
    if (expected === undefined) reference.set(key, line);
    else repeats++;
    const got = index.firstLineOf(u, g, line);
    if (got !== expected && wrong.length < 5) wrong.push(`${u} ${g} line ${line}: got ${got}, expected ${expected}`);
  });
  expect(wrong).toEqual([]);
  expect(index.size).toBe(reference.size);
  return repeats;
}

/** `count` pairs drawn from a pool of `distinct` strict pairs that differ in every digit group, so about half repeat. */
function strictPairs(count: number, distinct: number, seed: number): Pair[] {
  const next = random(seed);
  const pool: Pair[] = [];
  for (let i = 0; i < distinct; i++) {
    pool.push([userId(Math.floor(next() * 1e12)), groupId(Math.floor(next() * 1e8))]);
  }
  return Array.from({ length: count }, () => pool[Math.floor(next() * distinct)]!);
}

/** Pairs that differ from the all-zero pair in exactly one of the twenty digits, each in every possible way. */
function oneDigitVariants(): Pair[] {
  const pairs: Pair[] = [['AUSR-0000-0000-0000', 'UGR-0000-0000']];
  const userDigits = [5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18];
  const groupDigits = [4, 5, 6, 7, 9, 10, 11, 12];
  const setDigit = (s: string, at: number, d: number) => `${s.slice(0, at)}${d}${s.slice(at + 1)}`;
  for (let d = 1; d <= 9; d++) {
    for (const at of userDigits) pairs.push([setDigit('AUSR-0000-0000-0000', at, d), 'UGR-0000-0000']);
    for (const at of groupDigits) pairs.push(['AUSR-0000-0000-0000', setDigit('UGR-0000-0000', at, d)]);
  }
  return pairs;
}

describe('DuplicateIndex', () => {
  it('returns the first line of a repeated pair and remembers only new pairs', () => {
    const index = new DuplicateIndex();
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0001', 2)).toBeUndefined();
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0002', 3)).toBeUndefined();
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0001', 4)).toBe(2);
    expect(index.firstLineOf('AUSR-0000-0000-0001', 'UGR-0000-0001', 5)).toBe(2);
    expect(index.size).toBe(2);
  });

  it('tells apart pairs that differ in a single digit anywhere, or only by where the digits sit', () => {
    const variants = oneDigitVariants();
    expect(variants).toHaveLength(1 + 9 * 20);
    // Digits moved between the user's last group and the group's first (they share one packed word), and
    // between user and group: distinct pairs whatever the arithmetic of the packing.
    const shuffled: Pair[] = [
      ['AUSR-0000-0000-0001', 'UGR-0000-0000'],
      ['AUSR-0000-0000-0000', 'UGR-0001-0000'],
      ['AUSR-0000-0000-0000', 'UGR-0000-0001'],
      ['AUSR-0000-0001-0000', 'UGR-0000-0000'],
      ['AUSR-0001-0000-0000', 'UGR-0000-0000'],
      ['AUSR-9999-9999-9999', 'UGR-9999-9999'],
      ['AUSR-0000-0000-9999', 'UGR-9999-0000'],
      ['AUSR-0000-0000-9999', 'UGR-0000-9999'],
    ];
    for (const hashFilter of [undefined, () => 0]) {
      const index = new DuplicateIndex({ hashFilter });
      const pairs = [...variants, ...shuffled, ...variants, ...shuffled];
      const distinct = new Set(pairs.map(([u, g]) => `${u} ${g}`)).size;
      expect(distinct).toBe(variants.length + 3);
      expect(expectSameAsMap(index, pairs)).toBe(pairs.length - distinct);
    }
  });

  it('agrees with a Map over 300,000 strict pairs while growing from two slots', () => {
    const index = new DuplicateIndex({ initialSlots: 2 });
    const repeats = expectSameAsMap(index, strictPairs(300_000, 150_000, 1));
    expect(repeats).toBeGreaterThan(100_000);
    // After every growth, each pair still answers with the line where it first appeared.
    const again = new DuplicateIndex({ initialSlots: 2 });
    const pairs: Pair[] = Array.from({ length: 70_000 }, (_, i) => [userId(i * 7919), groupId(i % 97)]);
    pairs.forEach(([u, g], i) => expect(again.firstLineOf(u, g, i + 2)).toBeUndefined());
    const wrong = pairs.filter(([u, g], i) => again.firstLineOf(u, g, 1_000_000) !== i + 2);
    expect(wrong).toEqual([]);
    expect(again.size).toBe(70_000);
  });

  it('stays exact when every pair collides, including probes that wrap around the end of the table', () => {
    const poorHashes: [string, (hash: number) => number][] = [
      ['constant 0', () => 0],
      ['constant last slot', () => 0xffffffff],
      ['two buckets', (h) => h & 1],
      ['sixteen buckets at the end', (h) => -1 - (h & 15)],
    ];
    for (const [name, hashFilter] of poorHashes) {
      const index = new DuplicateIndex({ initialSlots: 4, hashFilter });
      // Pairs that agree in two of the three packed words, so a comparison that skips one word would merge them;
      // loose pairs of equal lengths that differ in one unit, or only in where one id ends.
      const pairs: Pair[] = [];
      for (let i = 0; i < 40; i++) {
        pairs.push([userId(i), groupId(0)], [userId(0), groupId(i)], [userId(i * 10_000), groupId(0)], [userId(i), groupId(i * 10_000)]);
        pairs.push([`u${i % 10}`, `g${Math.floor(i / 10)}`], [`u${i % 10}g`, `${Math.floor(i / 10)}`], [`u${i % 10}`, `h${Math.floor(i / 10)}`]);
      }
      const all = [...pairs, ...strictPairs(2_000, 600, 7), ...pairs];
      const repeats = expectSameAsMap(index, all);
      expect(repeats, name).toBeGreaterThan(pairs.length);
    }
  });

  it('spreads bench-like sequential ids well enough that probes stay short', () => {
    // Not a rule of the index, but a poor hash would make a million-row import crawl.
    const buckets = new Uint32Array(1 << 16);
    for (let i = 0; i < 1 << 16; i++) {
      const digits = String(i).padStart(12, '0');
      buckets[hash3(Number(digits.slice(0, 8)), Number(digits.slice(8)) * 10_000 + (i % 50), 0) & 0xffff]!++;
    }
    expect(Math.max(...buckets)).toBeLessThan(12);
  });

  it('keeps pairs that are not of the documented shapes exactly, apart from look-alikes of those shapes', () => {
    const near: Pair[] = [
      ['AUSR-0000-0000-0001', 'UGR-0000-0001'],
      ['AUSR-0000-0000-000a', 'UGR-0000-0001'],
      ['ausr-0000-0000-0001', 'UGR-0000-0001'],
      ['AUSR-0000-0000-0001', 'ugr-0000-0001'],
      ['AUSR-0000-0000-00001', 'UGR-0000-0001'],
      ['AUSR-0000-0000-0001', 'UGR-0000-00001'],
      // What the two above would pack to if the extra digit were ignored.
      ['AUSR-0000-0000-0000', 'UGR-0000-0001'],
      ['AUSR-0000-0000-0001', 'UGR-0000-0000'],
      ['AUSR-0000_0000-0001', 'UGR-0000-0001'],
      ['AUSR-0000-0000_0001', 'UGR-0000-0001'],
      ['AUSR-0000-0000-0001', 'UGR-0000_0001'],
      ['AUSX-0000-0000-0001', 'UGR-0000-0001'],
      ['AUSR-0000-0000-0001', 'UGX-0000-0001'],
      ['AUSR-0000-0000-000\u0661', 'UGR-0000-0001'], // ARABIC-INDIC DIGIT ONE
      ['AUSR-0000-0000-000\uff11', 'UGR-0000-0001'], // FULLWIDTH DIGIT ONE
      ['AUSR-0000-0000-000/', 'UGR-0000-0001'], // '/' and ':' sit either side of the ASCII digits
      ['AUSR-0000-0000-000:', 'UGR-0000-0001'],
      // ':' is 48 + 10: read as a digit it would give the same number as 0010.
      ['AUSR-0000-0000-0010', 'UGR-0000-0001'],
      ['AUSR-0000-0000-0001', 'UGR-0000-000:'],
      ['AUSR-0000-0000-0001', 'UGR-0000-0010'],
      ['ab', 'c'],
      ['a', 'bc'],
      ['user-1', 'group-1'],
    ];
    const index = new DuplicateIndex();
    expect(expectSameAsMap(index, [...near, ...near.slice().reverse(), ...near])).toBe(near.length * 2);
    expect(index.size).toBe(near.length);
  });

  it('agrees with a Map over a mix of strict and loose pairs', () => {
    const next = random(3);
    const pool: Pair[] = strictPairs(3_000, 3_000, 5);
    for (let i = 0; i < 3_000; i++) pool.push([`user-${Math.floor(next() * 500)}`, `g${Math.floor(next() * 10)}`]);
    const pairs = Array.from({ length: 40_000 }, () => pool[Math.floor(next() * pool.length)]!);
    const index = new DuplicateIndex({ initialSlots: 2 });
    expect(expectSameAsMap(index, pairs)).toBeGreaterThan(30_000);
  });

  it('tells apart loose pairs whose whole 32-bit hashes are equal', () => {
    // Among 200,000 ids some pairs of pairs collide (about n^2 / 2^33 of them): find them, then check the index
    // compares the text and not just the hash.
    const seen = new Map<number, string>();
    const colliding: [Pair, Pair][] = [];
    for (let i = 0; i < 200_000; i++) {
      const u = `user-${i}`;
      const h = stringPairHash(u, 'group');
      const other = seen.get(h);
      if (other !== undefined) colliding.push([[other, 'group'], [u, 'group']]);
      else seen.set(h, u);
    }
    expect(colliding.length).toBeGreaterThan(0);
    for (const [a, b] of colliding) {
      expect(stringPairHash(...a)).toBe(stringPairHash(...b));
      expect(expectSameAsMap(new DuplicateIndex(), [a, b, a, b])).toBe(2);
    }
  });

  it('keeps line numbers up to 2^32 - 1 exactly and refuses larger ones instead of wrapping', () => {
    for (const [u, g] of [[userId(1), groupId(1)], ['x', 'y']] as const) {
      const index = new DuplicateIndex();
      expect(index.firstLineOf(u, g, 0xffffffff)).toBeUndefined();
      expect(index.firstLineOf(u, g, 3)).toBe(0xffffffff);
      expect(() => index.firstLineOf(u, g, 2 ** 32)).toThrow(RangeError);
      expect(() => index.firstLineOf(u, g, 0)).toThrow(RangeError);
      expect(() => index.firstLineOf(u, g, 1.5)).toThrow(RangeError);
    }
  });

  it('keeps ids of any length and any characters, including separators and lone surrogates', () => {
    const long = 'x'.repeat(300_000);
    const pairs: Pair[] = [
      [long, 'g'],
      [`${long}g`, ''],
      [long.slice(1), 'xg'],
      ['a\u0000b', 'c'],
      ['a', '\u0000bc'],
      ['a', 'b\u0000c'],
      ['\ud800', 'g'],
      ['\udc00', 'g'],
      ['😀', 'g'],
      ['', ''],
    ];
    const index = new DuplicateIndex({ initialSlots: 2 });
    expect(expectSameAsMap(index, [...pairs, ...pairs])).toBe(pairs.length);
  });
});
