import { setTimeout as sleep } from 'node:timers/promises';
import { requireToken, type Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { classifyStatus, createS1Client, parseRetryAfter, problemMessage, S1TransportError } from '../s1/index.js';
import { OutboundRateLimiter } from './outbound-rate-limiter.js';
import { globalKeys } from './keys.js';
import type { ImportOptions } from './import-batch.js';
import { connectRedis, createRedis } from './redis-connection.js';

/** What the server says is in place, read once before an import. */
export interface ExistingMemberships {
  /** For ImportOptions.inPlace: 'in-place' when the pair already holds. */
  inPlace: NonNullable<ImportOptions['inPlace']>;
  /** True when the account user is in the account at all (for the dry-run plan's "unknown users"). */
  knownUser(accountUserId: string): boolean;
  users: number;
  memberships: number;
  requests: number;
}

interface ListPage {
  $meta?: { pagination?: { offset?: number; limit?: number; total?: number } };
  data?: Array<{ id?: unknown; groups?: Array<{ id?: unknown }> }>;
}

/**
 * Reads every account user and its groups with the paginated GET list call, through the same global rate limit as
 * the workers. A page that fails transiently is tried again (this read is not a BullMQ job, so it carries its own
 * small retry loop); a rejected token is fatal.
 */
export async function readExistingMemberships(config: Config, log: Logger, pageSize = 1000): Promise<ExistingMemberships> {
  const token = requireToken(config);
  const redis = createRedis(config.redisUrl, 'producer');
  await connectRedis(redis, config.redisUrl);
  const limiter = new OutboundRateLimiter(redis, globalKeys(config.prefix), { rate: config.rateLimit, slackMs: config.rateSlackMs });
  const client = createS1Client({ baseUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, connections: 2 });
  const pairs = new Set<string>();
  const users = new Set<string>();
  let requests = 0;
  try {
    let offset = 0;
    for (;;) {
      let page: ListPage | undefined;
      for (let attempt = 1; page === undefined; attempt++) {
        const slot = await limiter.acquire();
        requests++;
        let status: number;
        let body: unknown;
        let retryAfter: number | undefined;
        try {
          const a = await client.listAccountUsers(offset, pageSize, { observer: slot });
          status = a.status;
          body = a.body;
          retryAfter = parseRetryAfter(a.headers['retry-after'], config.retryAfterMaxMs);
        } catch (err) {
          if (!(err instanceof S1TransportError) || attempt >= config.maxAttempts) throw new AppError('internal', `cannot read current memberships: ${(err as Error).message}`, { cause: err });
          await sleep(Math.random() * config.backoffMs * 2 ** (attempt - 1));
          continue;
        }
        const cls = classifyStatus(status);
        if (cls === 'success') {
          page = body as ListPage;
        } else if (cls === 'auth') {
          throw new AppError('auth', `S1 rejected the API token (HTTP ${status}) while reading current memberships: set a valid S1_API_TOKEN`);
        } else if (cls === 'rate-limited' && attempt <= config.maxRateLimited) {
          const ms = retryAfter ?? config.backoffMs * attempt;
          await limiter.pause(ms);
        } else if (cls === 'transient' && attempt < config.maxAttempts) {
          await sleep(Math.random() * config.backoffMs * 2 ** (attempt - 1));
        } else {
          throw new AppError('internal', `cannot read current memberships: HTTP ${status}${problemMessage(body) ? ` (${problemMessage(body)})` : ''}`);
        }
      }
      const data = Array.isArray(page.data) ? page.data : [];
      for (const u of data) {
        if (typeof u.id !== 'string') continue;
        users.add(u.id);
        for (const g of u.groups ?? []) if (typeof g.id === 'string') pairs.add(`${u.id}|${g.id}`);
      }
      offset += data.length;
      const total = page.$meta?.pagination?.total;
      if (data.length === 0 || (typeof total === 'number' && offset >= total)) break;
    }
  } finally {
    limiter.close();
    await client.close();
    await redis.quit().catch(() => redis.disconnect());
  }
  log.info({ users: users.size, memberships: pairs.size, requests }, 'read current memberships');
  return {
    inPlace: (u, g) => (pairs.has(`${u}|${g}`) ? 'in-place' : undefined),
    knownUser: (u) => users.has(u),
    users: users.size,
    memberships: pairs.size,
    requests,
  };
}

/** The `inPlace` option for importBatch that skips pairs the server already holds. */
export async function inPlaceFromServer(config: Config, log: Logger): Promise<ImportOptions['inPlace']> {
  return (await readExistingMemberships(config, log)).inPlace;
}
