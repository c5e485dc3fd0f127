/**
 * One page of the sorted union of two disjoint sorted sequences: `virtualCount` items computed by `virtualAt` (the
 * seeded directory, never materialised) and `extra` (ids the simulator holds). O(log n + limit) per page, so paging
 * through 100,000 users costs the same per page at the end as at the start.
 */
export function sortedUnionPage(
  virtualCount: number,
  virtualAt: (index: number) => string,
  extra: readonly string[],
  offset: number,
  limit: number,
): string[] {
  const total = virtualCount + extra.length;
  const start = Math.min(offset, total);
  // Binary search for how many virtual items come before position `start`: the smallest i such that the extra
  // item just before the split is smaller than virtual item i (true for every larger i as well).
  let lo = Math.max(0, start - extra.length);
  let hi = Math.min(start, virtualCount);
  while (lo < hi) {
    const i = (lo + hi) >>> 1;
    const j = start - i;
    if (j === 0 || (extra[j - 1] as string) < virtualAt(i)) hi = i;
    else lo = i + 1;
  }
  let v = lo;
  let e = start - lo;
  const page: string[] = [];
  while (page.length < limit && (v < virtualCount || e < extra.length)) {
    const next = v < virtualCount ? virtualAt(v) : undefined;
    if (next !== undefined && (e >= extra.length || next < (extra[e] as string))) {
      page.push(next);
      v++;
    } else {
      page.push(extra[e] as string);
      e++;
    }
  }
  return page;
}
