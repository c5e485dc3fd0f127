/** Upper bound on timestamps held at once (2^21 ≈ 2.1 M, 16 MiB of Float64): memory stays bounded under any load. */
export const MAX_WINDOW_TIMESTAMPS = 1 << 21;

/**
 * The timestamps of the last `windowMs` milliseconds, in a growable ring buffer of Float64.
 *
 * Timestamps must be pushed in non-decreasing order (a monotonic clock). A timestamp `t` is inside the window at
 * `now` while `now - t < windowMs`, so a window is half-open: the same convention as {@link maxInWindow}.
 * Every operation is O(1) amortised: each timestamp is pushed once and expired once.
 */
export class SlidingWindow {
  private buffer: Float64Array;
  private mask: number;
  private head = 0; // index of the oldest timestamp
  private count = 0;

  /**
   * @param windowMs - length of the window in ms.
   * @param maxCapacity - most timestamps kept; beyond it the oldest are dropped (a power of two).
   *   @defaultValue {@link MAX_WINDOW_TIMESTAMPS}
   */
  constructor(
    readonly windowMs: number,
    private readonly maxCapacity = MAX_WINDOW_TIMESTAMPS,
  ) {
    if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0');
    if (maxCapacity < 1 || (maxCapacity & (maxCapacity - 1)) !== 0) {
      throw new RangeError('maxCapacity must be a power of two');
    }
    // Start small: most simulators see a few hundred requests a second, and a growth step is a cheap copy.
    const initial = Math.min(1024, maxCapacity);
    this.buffer = new Float64Array(initial);
    this.mask = initial - 1;
  }

  /** Timestamps currently held (call {@link expire} first to count only those inside the window). */
  get size(): number {
    return this.count;
  }

  /** Drops timestamps that have left the window at `now`. */
  expire(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.count > 0 && (this.buffer[this.head] as number) <= cutoff) {
      this.head = (this.head + 1) & this.mask;
      this.count--;
    }
  }

  /** Adds a timestamp (not before the newest already held). */
  push(t: number): void {
    if (this.count === this.buffer.length) {
      if (this.buffer.length < this.maxCapacity) this.grow();
      else {
        // Full at the cap: forget the oldest so memory stays bounded; counts become a lower bound.
        this.head = (this.head + 1) & this.mask;
        this.count--;
      }
    }
    this.buffer[(this.head + this.count) & this.mask] = t;
    this.count++;
  }

  /** The oldest timestamp held, or undefined when empty. */
  oldest(): number | undefined {
    return this.count > 0 ? this.buffer[this.head] : undefined;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const next = new Float64Array(this.buffer.length * 2);
    const firstPart = this.buffer.subarray(this.head, Math.min(this.head + this.count, this.buffer.length));
    next.set(firstPart, 0);
    const wrapped = this.count - firstPart.length;
    if (wrapped > 0) next.set(this.buffer.subarray(0, wrapped), firstPart.length);
    this.buffer = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
