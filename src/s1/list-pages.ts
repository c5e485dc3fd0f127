import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { jitterBackoff } from './backoff.js';
import { parseRetryAfter } from './retry-after.js';
import { problemMessage } from './problem-details.js';
import { classifyStatus } from './retry-rules.js';
import { S1TransportError, type S1Answer, type S1RequestOptions, type WireObserver } from './s1-client.js';

/** What a list reader needs of the global rate limiter: a slot per request, and a queue-wide pause on a 429. */
export interface RequestLimiter {
  acquire(): Promise<WireObserver>;
  pause(ms: number): Promise<void>;
}

/** The configuration's retry settings, as the workers use them. */
export interface ListRetryPolicy {
  maxAttempts: number;
  maxRateLimited: number;
  backoffMs: number;
  retryAfterMaxMs: number;
}

/** One call of a paginated list: GET ...?offset&limit. */
export type FetchPage = (offset: number, limit: number, opts: S1RequestOptions) => Promise<S1Answer>;

interface ListEnvelope {
  $meta?: { pagination?: { total?: number } };
  data?: unknown[];
}

export interface ListPagesOptions {
  limiter: RequestLimiter;
  policy: ListRetryPolicy;
  /** Named in error messages: "cannot read <what>". */
  what: string;
  pageSize: number;
  /** Counts every request made, retries included. */
  onRequest?: () => void;
}

/**
 * Pages through a list call (`{ $meta.pagination.total, data }`) under the global rate limit, yielding each page's
 * items. These reads are not BullMQ jobs, so a page that fails transiently is tried again here with the same
 * attempts and backoff as a row; a rejected token or a page that keeps failing ends the read with one AppError.
 */
export async function* listPages(fetchPage: FetchPage, options: ListPagesOptions): AsyncGenerator<unknown[]> {
  let offset = 0;
  for (;;) {
    const page = await readPage(fetchPage, offset, options);
    const data = Array.isArray(page.data) ? page.data : [];
    yield data;
    offset += data.length;
    const total = page.$meta?.pagination?.total;
    if (data.length === 0 || (typeof total === 'number' && offset >= total)) return;
  }
}

async function readPage(fetchPage: FetchPage, offset: number, o: ListPagesOptions): Promise<ListEnvelope> {
  const { policy } = o;
  for (let attempt = 1; ; attempt++) {
    const observer = await o.limiter.acquire();
    o.onRequest?.();
    let answer: S1Answer;
    try {
      answer = await fetchPage(offset, o.pageSize, { observer });
    } catch (err) {
      if (!(err instanceof S1TransportError) || attempt >= policy.maxAttempts) throw new AppError('internal', `cannot read ${o.what}: ${(err as Error).message}`, { cause: err });
      await sleep(jitterBackoff(attempt, policy.backoffMs));
      continue;
    }
    const cls = classifyStatus(answer.status);
    if (cls === 'success') return (answer.body ?? {}) as ListEnvelope;
    if (cls === 'auth') throw new AppError('auth', `S1 rejected the API token (HTTP ${answer.status}) while reading ${o.what}: set a valid S1_API_TOKEN`);
    if (cls === 'rate-limited' && attempt <= policy.maxRateLimited) {
      const retryAfter = parseRetryAfter(answer.headers['retry-after'], policy.retryAfterMaxMs);
      await o.limiter.pause(retryAfter ?? Math.max(1000, jitterBackoff(attempt, policy.backoffMs)));
    } else if (cls === 'transient' && attempt < policy.maxAttempts) {
      await sleep(jitterBackoff(attempt, policy.backoffMs));
    } else {
      const detail = problemMessage(answer.body);
      throw new AppError('internal', `cannot read ${o.what}: HTTP ${answer.status}${detail ? ` (${detail})` : ''}`);
    }
  }
}
