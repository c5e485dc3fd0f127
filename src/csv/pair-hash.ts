// The hashing of the duplicate index's probe tables (src/csv/duplicate-index.ts), apart from the tables themselves.

/** murmur3 (32-bit) of the three words: a well-spread hash, so linear probing stays short. */
export function hash3(a: number, b: number, c: number): number {
  let h = mixWord(0, a);
  h = mixWord(h, b);
  h = mixWord(h, c);
  return finish(h ^ 12);
}

/** The same rounds over the UTF-16 units of both ids and their lengths. */
export function stringPairHash(accountUserId: string, groupId: string): number {
  let h = mixWord(0, accountUserId.length * 0x10000 + groupId.length);
  for (let k = 0; k < accountUserId.length; k++) h = mixWord(h, accountUserId.charCodeAt(k));
  for (let k = 0; k < groupId.length; k++) h = mixWord(h, groupId.charCodeAt(k));
  return finish(h);
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function identity(hash: number): number {
  return hash;
}

export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}
