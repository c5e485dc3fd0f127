import type { Redis } from 'ioredis';

/** One change of the rate limit in force for every worker (the limiter's scripts append one per change). */
export interface LimitChange {
  /** ISO time of the change (Redis' clock). */
  at: string;
  /** Requests per second in force from then on. */
  limit: number;
  /** 'measured' (a bare 429), 'announced' (a RateLimit header), 'probe' (an upward probe) or 'configured' (back to S1_RATE_LIMIT). */
  why: string;
}

/** The changes kept in `historyKey` (the last 500), oldest first; an entry that does not parse is skipped. */
export async function readLimitHistory(redis: Redis, historyKey: string): Promise<LimitChange[]> {
  const out: LimitChange[] = [];
  for (const raw of await redis.lrange(historyKey, 0, -1)) {
    try {
      const e = JSON.parse(raw) as { at: number; limit: number; why: string };
      out.push({ at: new Date(e.at).toISOString(), limit: e.limit, why: e.why });
    } catch {
      // Written by the scripts with cjson; nothing else writes there.
    }
  }
  return out;
}

/**
 * The limits in force over [from, to]: the change in force at `from` (its time moved to `from`), then each change up
 * to `to`. Empty when none applies: the configured limit held throughout.
 */
export function limitsInForce(history: readonly LimitChange[], from: string, to: string): LimitChange[] {
  const before = history.filter((c) => c.at <= from).at(-1);
  const during = history.filter((c) => c.at > from && c.at <= to);
  const first = before && before.why !== 'configured' ? [{ ...before, at: from }] : [];
  return [...first, ...during];
}
