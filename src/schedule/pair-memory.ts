import { pairHash } from './pair-hash.js';

/**
 * A read-only set of pair hashes held as one sorted BigUint64Array: 8 bytes per pair in the worker, as in Redis,
 * and a binary search per look-up.
 */
export class PairMemory {
  private constructor(private readonly sorted: BigUint64Array) {}

  static readonly empty = new PairMemory(new BigUint64Array(0));

  /** From the stored form: big-endian 8-byte hashes, sorted and without repeats. */
  static fromBuffer(buf: Buffer | null): PairMemory {
    if (!buf || buf.length < 8) return PairMemory.empty;
    const a = new BigUint64Array(Math.floor(buf.length / 8));
    for (let i = 0; i < a.length; i++) a[i] = buf.readBigUInt64BE(i * 8);
    return new PairMemory(a);
  }

  /** Sorts and de-duplicates `hashes` (consumed) into a memory. */
  static fromHashes(hashes: BigUint64Array): PairMemory {
    hashes.sort();
    let n = 0;
    for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[n - 1]) hashes[n++] = hashes[i]!;
    return new PairMemory(hashes.subarray(0, n));
  }

  get size(): number {
    return this.sorted.length;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.sorted.length * 8);
    for (let i = 0; i < this.sorted.length; i++) buf.writeBigUInt64BE(this.sorted[i]!, i * 8);
    return buf;
  }

  hasHash(h: bigint): boolean {
    let lo = 0;
    let hi = this.sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.sorted[mid]!;
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  has(accountUserId: string, groupId: string): boolean {
    return this.sorted.length > 0 && this.hasHash(pairHash(accountUserId, groupId));
  }
}
