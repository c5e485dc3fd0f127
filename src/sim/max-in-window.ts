/**
 * The largest number of timestamps inside any window of `windowMs` milliseconds, for timestamps sorted ascending.
 *
 * Windows are half-open, `[t, t + windowMs)`: two events exactly `windowMs` apart never share a window, which is the
 * reading a rate limit of "N per second" needs. Two pointers make it O(n).
 *
 * @example maxInWindow([0, 10, 999, 1000, 1500], 1000) === 3 // 0, 10, 999 (and also 999, 1000, 1500)
 */
export function maxInWindow(sorted: ArrayLike<number>, windowMs: number): number {
  if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0');
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    const t = sorted[end] as number;
    if (end > 0 && t < (sorted[end - 1] as number)) throw new RangeError(`timestamps not sorted at index ${end}`);
    while (t - (sorted[start] as number) >= windowMs) start++;
    const inWindow = end - start + 1;
    if (inWindow > best) best = inWindow;
  }
  return best;
}
