import type { IncomingHttpHeaders } from 'node:http';

/**
 * The request limit a server announces, from `RateLimit-Limit` (IETF draft; may read `200, 200;w=1`) or
 * `X-RateLimit-Limit`. The leading number is taken; undefined when absent or unreadable.
 */
export function announcedLimit(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['ratelimit-limit'] ?? headers['x-ratelimit-limit'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  const m = text === undefined ? null : /^\s*(\d+)/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
