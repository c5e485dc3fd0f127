/**
 * Parses a Retry-After value (delta-seconds or an HTTP date) into milliseconds from `now`, capped at `maxMs`.
 * Returns undefined for a missing or junk value so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | string[] | undefined, maxMs: number, now = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    ms = Number(raw) * 1000;
  } else {
    // Only the IMF-fixdate and its obsolete siblings are HTTP dates; Date.parse also accepts "1" etc., hence the check.
    if (!/^[A-Za-z]{3},? /.test(raw) && !/GMT$/.test(raw)) return undefined;
    const at = Date.parse(raw);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), maxMs);
}
