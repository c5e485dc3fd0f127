const ENTRY_WORDS = 4;
// Entries live in fixed blocks rather than one array that doubles: growing then copies nothing and leaves no
// half-size array behind as garbage. 2^15 entries make 512 KiB blocks, big enough for malloc to map them directly,
// so a finished index returns its memory to the system as soon as it is collected.
const BLOCK_BITS = 15;
const BLOCK_ENTRIES = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_ENTRIES - 1;
const DASH = 0x2d;
/** The largest line a packed entry can hold (a uint32); a file would need over 4 GB of line breaks to pass it. */
const MAX_LINE = 0xffffffff;

/** A hash of the three key words of a packed pair; any function is correct, a well-spread one is fast. */
export type PairHash = (k0: number, k1: number, k2: number) => number;

/**
 * Remembers each valid (account user, group) pair and the line where it first appeared, to flag later repeats.
 *
 * A file can have a million rows, and a `Map` of a million string keys costs about 58 MB of heap (and, through V8's
 * heap growth, more RSS than that). Pairs of the documented shapes (`AUSR-dddd-dddd-dddd`, `UGR-dddd-dddd`) are
 * therefore packed losslessly into three 32-bit numbers and kept in typed arrays outside the JS heap: 16 bytes per
 * pair plus 4-8 bytes of hash slots, about 25 MB for a million pairs. Any other pair (possible with `--loose-ids`)
 * is kept exactly as a string key in a `Map`. Whether a pair is packed depends only on its own text, so the same
 * pair always lands in the same store and a repeat is never missed or invented.
 */
export class DuplicateIndex {
  /** Open-addressing hash table (linear probing) of entry number + 1; 0 is an empty slot. */
  private slots: Int32Array;
  /** Packed pairs in insertion order, ENTRY_WORDS numbers each: key words k0, k1, k2, then the first line. */
  private readonly blocks: Uint32Array[] = [];
  private packedCount = 0;
  private readonly others = new Map<string, number>();
  private readonly hash: PairHash;
  // The last packed key, kept in fields so that packing allocates nothing.
  private k0 = 0;
  private k1 = 0;
  private k2 = 0;

  /**
   * @param options.initialSlots slots to start with (rounded up to a power of two, at least 2). The table grows by
   *   doubling, so this only matters for tests that want to see it grow.
   * @param options.hash only for tests: a poor hash forces the collisions that the default one makes rare.
   */
  constructor(options: { initialSlots?: number; hash?: PairHash } = {}) {
    const slots = nextPowerOfTwo(Math.max(2, options.initialSlots ?? 1024));
    this.slots = new Int32Array(slots);
    this.hash = options.hash ?? hash3;
  }

  /** The line where this pair was first seen; if it is new, remembers it at `line` and returns undefined. */
  firstLineOf(accountUserId: string, groupId: string, line: number): number | undefined {
    if (!this.pack(accountUserId, groupId)) {
      // Ids never contain control characters (both the strict and the loose rule refuse them), so a NUL
      // separates the two unambiguously.
      const key = `${accountUserId}\u0000${groupId}`;
      const first = this.others.get(key);
      if (first === undefined) this.others.set(key, line);
      return first;
    }
    if (!Number.isInteger(line) || line < 1 || line > MAX_LINE) {
      throw new RangeError(`line ${line} is outside 1..${MAX_LINE}`);
    }
    const { k0, k1, k2 } = this;
    const slots = this.slots;
    const mask = slots.length - 1;
    const blocks = this.blocks;
    let i = this.hash(k0, k1, k2) & mask;
    for (;;) {
      const e = slots[i]!;
      if (e === 0) break;
      const block = blocks[(e - 1) >>> BLOCK_BITS]!;
      const at = ((e - 1) & BLOCK_MASK) * ENTRY_WORDS;
      if (block[at] === k0 && block[at + 1] === k1 && block[at + 2] === k2) return block[at + 3];
      i = (i + 1) & mask;
    }
    this.add(i, line);
    return undefined;
  }

  /** Number of distinct pairs seen. */
  get size(): number {
    return this.packedCount + this.others.size;
  }

  /** Stores the packed key at the free slot `i` found by the probe; grows the arrays when needed. */
  private add(i: number, line: number): void {
    const n = this.packedCount;
    if ((n & BLOCK_MASK) === 0) this.blocks.push(new Uint32Array(BLOCK_ENTRIES * ENTRY_WORDS));
    const block = this.blocks[n >>> BLOCK_BITS]!;
    const at = (n & BLOCK_MASK) * ENTRY_WORDS;
    block[at] = this.k0;
    block[at + 1] = this.k1;
    block[at + 2] = this.k2;
    block[at + 3] = line;
    this.slots[i] = n + 1;
    this.packedCount = n + 1;
    // Linear probing stays short while at most half the slots are taken.
    if (this.packedCount * 2 > this.slots.length) this.rehash(this.slots.length * 2);
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let n = 0; n < this.packedCount; n++) {
      const block = this.blocks[n >>> BLOCK_BITS]!;
      const at = (n & BLOCK_MASK) * ENTRY_WORDS;
      let i = this.hash(block[at]!, block[at + 1]!, block[at + 2]!) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = n + 1;
    }
    this.slots = slots;
  }

  /**
   * Packs a pair of the documented shapes into k0, k1, k2 and returns true; returns false for any other pair.
   * The twenty digits split as k0 = user digits 1-8, k1 = user digits 9-12 and group digits 1-4, k2 = group
   * digits 5-8 (each below 10^8, so a uint32), which is lossless: different pairs always differ in some k.
   */
  private pack(accountUserId: string, groupId: string): boolean {
    if (accountUserId.length !== 19 || groupId.length !== 13) return false;
    if (!accountUserId.startsWith('AUSR-') || !groupId.startsWith('UGR-')) return false;
    if (accountUserId.charCodeAt(9) !== DASH || accountUserId.charCodeAt(14) !== DASH || groupId.charCodeAt(8) !== DASH) return false;
    const u1 = fourDigits(accountUserId, 5);
    const u2 = fourDigits(accountUserId, 10);
    const u3 = fourDigits(accountUserId, 15);
    const g1 = fourDigits(groupId, 4);
    const g2 = fourDigits(groupId, 9);
    if (u1 < 0 || u2 < 0 || u3 < 0 || g1 < 0 || g2 < 0) return false;
    this.k0 = u1 * 10_000 + u2;
    this.k1 = u3 * 10_000 + g1;
    this.k2 = g2;
    return true;
  }
}

/** The number written by four ASCII digits at `at`, or -1 if any of them is not an ASCII digit. */
function fourDigits(id: string, at: number): number {
  let n = 0;
  for (let k = at; k < at + 4; k++) {
    const d = id.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** murmur3 (32-bit) of the three words: a well-spread hash, so linear probing stays short. */
export function hash3(a: number, b: number, c: number): number {
  let h = mixWord(0, a);
  h = mixWord(h, b);
  h = mixWord(h, c);
  h ^= 12;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}
