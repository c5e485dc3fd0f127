import { hash3, identity, nextPowerOfTwo, stringPairHash } from './pair-hash.js';

export { hash3, stringPairHash } from './pair-hash.js';

/** The largest line an entry holds (a uint32); a file would need over 4 GB of line breaks to pass it. */
const MAX_LINE = 0xffffffff;
// Entries live in fixed blocks rather than one array that doubles: growing then copies nothing and leaves no
// half-size array behind as garbage.
const BLOCK_BITS = 21;
const BLOCK_ENTRIES = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_ENTRIES - 1;
/** UTF-16 units per block of the loose ids' text (32 MiB). */
const ARENA_UNITS = 1 << 24;
/**
 * A large array of the index sits in a buffer of at least MAPPED_BYTES, the rest of it never touched. glibc's malloc
 * maps a request that big directly and unmaps it when it is freed. A request between its mapping threshold (128 KiB
 * at first) and 32 MiB is mapped too, but freeing it raises the threshold to its size, after which every buffer of
 * the import up to that size comes from the heap and stays resident when freed: measured, that kept 15-60 MB more
 * through the whole enqueueing pass (1M pairs). Untouched pages cost address space only, and small arrays, which
 * malloc never maps, are allocated as usual.
 */
const MAPPED_BYTES = 40 * 2 ** 20;
const PLAIN_BYTES = 64 * 1024;

function allocate<T>(make: (buffer: ArrayBuffer, length: number) => T, bytesPerElement: number, length: number): T {
  const bytes = length * bytesPerElement;
  return make(new ArrayBuffer(bytes < PLAIN_BYTES ? bytes : Math.max(MAPPED_BYTES, bytes)), length);
}
const uint32s = (length: number) => allocate((b, n) => new Uint32Array(b, 0, n), 4, length);
const int32s = (length: number) => allocate((b, n) => new Int32Array(b, 0, n), 4, length);
const uint16s = (length: number) => allocate((b, n) => new Uint16Array(b, 0, n), 2, length);
const DASH = 0x2d;

export interface DuplicateIndexOptions {
  /**
   * Hash slots to start with (rounded up to a power of two, at least 2). The tables grow by doubling, so this only
   * matters for tests that want to see them grow. @defaultValue 1024
   */
  initialSlots?: number;
  /**
   * Only for tests: replaces every hash h by hashFilter(h), so that a poor hash can force the collisions (of slots
   * and of whole hashes) that a good one makes rare.
   */
  hashFilter?: (hash: number) => number;
}

/**
 * Remembers each valid (account user, group) pair and the line where it first appeared, to flag later repeats.
 *
 * A file can have a million rows, and a `Map` of a million string keys costs 58 MB of heap for the documented ids and
 * several times that for longer ones, which V8's heap growth then more than doubles in RSS. So pairs are kept in
 * typed arrays outside the JS heap, in open-addressing hash tables, and compared exactly (a hash only says where to
 * look): pairs of the documented shapes (`AUSR-dddd-dddd-dddd`, `UGR-dddd-dddd`) packed losslessly into three 32-bit
 * numbers, about 24 bytes each with the table; any other pair (possible with `--loose-ids`) as its UTF-16 text plus
 * 32 bytes. Which table a pair goes to depends only on its own text, so the same pair always meets itself and a
 * repeat is never missed or invented.
 */
export class DuplicateIndex {
  private packed: PackedPairs;
  private loose: LoosePairs;
  private readonly filter: (hash: number) => number;

  constructor(options: DuplicateIndexOptions = {}) {
    const slots = nextPowerOfTwo(Math.max(2, options.initialSlots ?? 1024));
    this.filter = options.hashFilter ?? identity;
    this.packed = new PackedPairs(slots, this.filter);
    this.loose = new LoosePairs(slots, this.filter);
  }

  /** The line where this pair was first seen; if it is new, remembers it at `line` and returns undefined. */
  firstLineOf(accountUserId: string, groupId: string, line: number): number | undefined {
    if (!Number.isInteger(line) || line < 1 || line > MAX_LINE) throw new RangeError(`line ${line} is outside 1..${MAX_LINE}`);
    const packed = this.packed.firstLineOf(accountUserId, groupId, line);
    return packed === null ? this.loose.firstLineOf(accountUserId, groupId, line) : packed;
  }

  /** Number of distinct pairs seen. */
  get size(): number {
    return this.packed.size + this.loose.size;
  }

  /**
   * Forgets every pair. The memory goes back at the next full collection even while something (an async
   * generator's context, say) still references the index itself.
   */
  clear(): void {
    this.packed = new PackedPairs(2, this.filter);
    this.loose = new LoosePairs(2, this.filter);
  }
}

/**
 * Linear-probing hash table of entry numbers (+1; 0 is an empty slot), at most half full, over entries of
 * `entryWords` uint32s kept in blocks. Subclasses define what an entry holds and how to compare it.
 */
abstract class ProbeTable {
  protected slots: Int32Array;
  protected readonly blocks: Uint32Array[] = [];
  size = 0;

  constructor(
    slots: number,
    private readonly entryWords: number,
    protected readonly filter: (hash: number) => number,
  ) {
    this.slots = int32s(slots);
  }

  /** The (filtered) hash of a stored entry, for rehashing. */
  protected abstract storedHash(block: Uint32Array, at: number): number;

  /** Makes entry number `size` (its words start at offsetOf(size)), pointed to by the free slot `slot`; returns its block. */
  protected addEntry(slot: number): Uint32Array {
    const n = this.size;
    if ((n & BLOCK_MASK) === 0) this.blocks.push(uint32s(BLOCK_ENTRIES * this.entryWords));
    this.slots[slot] = n + 1;
    this.size = n + 1;
    return this.blocks[n >>> BLOCK_BITS]!;
  }

  /** Word offset of entry `n` in its block. */
  protected offsetOf(n: number): number {
    return (n & BLOCK_MASK) * this.entryWords;
  }

  /** Call after filling an entry: keeps the table at most half full, so probes stay short and always end. */
  protected grow(): void {
    if (this.size * 2 <= this.slots.length) return;
    const size = this.slots.length * 2;
    const slots = int32s(size);
    const mask = size - 1;
    for (let n = 0; n < this.size; n++) {
      let i = this.storedHash(this.blocks[n >>> BLOCK_BITS]!, this.offsetOf(n)) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = n + 1;
    }
    this.slots = slots;
  }
}

/** Pairs of the documented shapes. Entry words: k0, k1, k2 (the packed pair, see pack), first line. */
class PackedPairs extends ProbeTable {
  // The last packed key, kept in fields so that packing allocates nothing.
  private k0 = 0;
  private k1 = 0;
  private k2 = 0;

  constructor(slots: number, filter: (hash: number) => number) {
    super(slots, 4, filter);
  }

  /** The first line of the pair, or undefined after remembering it at `line`; null if the pair is not packable. */
  firstLineOf(accountUserId: string, groupId: string, line: number): number | undefined | null {
    if (!this.pack(accountUserId, groupId)) return null;
    const { k0, k1, k2, slots, blocks } = this;
    const mask = slots.length - 1;
    let i = this.filter(hash3(k0, k1, k2)) & mask;
    for (;;) {
      const e = slots[i]!;
      if (e === 0) break;
      const block = blocks[(e - 1) >>> BLOCK_BITS]!;
      const at = ((e - 1) & BLOCK_MASK) * 4;
      if (block[at] === k0 && block[at + 1] === k1 && block[at + 2] === k2) return block[at + 3];
      i = (i + 1) & mask;
    }
    const at = this.offsetOf(this.size);
    const block = this.addEntry(i);
    block[at] = k0;
    block[at + 1] = k1;
    block[at + 2] = k2;
    block[at + 3] = line;
    this.grow();
    return undefined;
  }

  protected storedHash(block: Uint32Array, at: number): number {
    return this.filter(hash3(block[at]!, block[at + 1]!, block[at + 2]!));
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

/**
 * Any other pair, by its text. Entry words: arena block, offset in it, account user length, group length (UTF-16
 * units; the two ids lie back to back from the offset), hash, first line. The lengths make the comparison exact
 * for any strings, with no separator that an id could contain.
 */
class LoosePairs extends ProbeTable {
  private readonly arena: Uint16Array[] = [];
  /** Units taken in the last arena block. */
  private arenaUsed = 0;

  constructor(slots: number, filter: (hash: number) => number) {
    super(slots, 6, filter);
  }

  firstLineOf(accountUserId: string, groupId: string, line: number): number | undefined {
    // Kept as a uint32, as the entry stores it.
    const h = this.filter(stringPairHash(accountUserId, groupId)) >>> 0;
    const { slots, blocks } = this;
    const mask = slots.length - 1;
    let i = h & mask;
    for (;;) {
      const e = slots[i]!;
      if (e === 0) break;
      const block = blocks[(e - 1) >>> BLOCK_BITS]!;
      const at = ((e - 1) & BLOCK_MASK) * 6;
      if (block[at + 4] === h && this.holds(block, at, accountUserId, groupId)) return block[at + 5];
      i = (i + 1) & mask;
    }
    const units = accountUserId.length + groupId.length;
    const last = this.arena[this.arena.length - 1];
    if (last === undefined || this.arenaUsed + units > last.length) {
      this.arena.push(uint16s(Math.max(ARENA_UNITS, units)));
      this.arenaUsed = 0;
    }
    const text = this.arena[this.arena.length - 1]!;
    let o = this.arenaUsed;
    for (let k = 0; k < accountUserId.length; k++) text[o++] = accountUserId.charCodeAt(k);
    for (let k = 0; k < groupId.length; k++) text[o++] = groupId.charCodeAt(k);
    const at = this.offsetOf(this.size);
    const block = this.addEntry(i);
    block[at] = this.arena.length - 1;
    block[at + 1] = this.arenaUsed;
    block[at + 2] = accountUserId.length;
    block[at + 3] = groupId.length;
    block[at + 4] = h;
    block[at + 5] = line;
    this.arenaUsed = o;
    this.grow();
    return undefined;
  }

  protected storedHash(block: Uint32Array, at: number): number {
    return block[at + 4]!;
  }

  private holds(block: Uint32Array, at: number, accountUserId: string, groupId: string): boolean {
    if (block[at + 2] !== accountUserId.length || block[at + 3] !== groupId.length) return false;
    const text = this.arena[block[at]!]!;
    let o = block[at + 1]!;
    for (let k = 0; k < accountUserId.length; k++) if (text[o++] !== accountUserId.charCodeAt(k)) return false;
    for (let k = 0; k < groupId.length; k++) if (text[o++] !== groupId.charCodeAt(k)) return false;
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
