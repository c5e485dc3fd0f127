import { requireToken, type Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { createS1Client, readMemberships, type ExistingMemberships } from '../s1/index.js';
import { OutboundRateLimiter } from './outbound-rate-limiter.js';
import type { ImportOptions } from './import-batch.js';
import { globalKeys } from './keys.js';
import { connectRedis, createRedis } from './redis-connection.js';

export type { ExistingMemberships } from '../s1/index.js';

/**
 * Reads what the server holds (for --skip-existing) through the same global rate limit as the workers: its own
 * short-lived Redis connection and limiter, and an S1 client of two connections (pages are read one at a time).
 */
export async function readExistingMemberships(config: Config, log: Logger, pageSize = 1000): Promise<ExistingMemberships> {
  const token = requireToken(config);
  const redis = createRedis(config.redisUrl, 'producer');
  await connectRedis(redis, config.redisUrl);
  const limiter = new OutboundRateLimiter(redis, globalKeys(config.prefix), { rate: config.rateLimit, slackMs: config.rateSlackMs });
  const client = createS1Client({ baseUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, connections: 2 });
  try {
    const existing = await readMemberships(client, { limiter, policy: config, pageSize });
    log.info({ users: existing.users, memberships: existing.memberships, requests: existing.requests }, 'read current memberships');
    return existing;
  } finally {
    limiter.close();
    await client.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** The `inPlace` option for importBatch that skips pairs the server already holds. */
export async function inPlaceFromServer(config: Config, log: Logger): Promise<ImportOptions['inPlace']> {
  return (await readExistingMemberships(config, log)).inPlace;
}
