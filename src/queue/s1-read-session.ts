import { requireToken, type Config } from '../config/index.js';
import { createS1Client, type S1Client } from '../s1/index.js';
import { globalKeys } from './keys.js';
import { OutboundRateLimiter } from './outbound-rate-limiter.js';
import { connectRedis, createRedis } from './redis-connection.js';

/**
 * Runs `read` with what a read from S1 before an import needs (--skip-existing, resolving names, the preflight):
 * an S1 client of `connections` (list pages are read one at a time) and a slot source under the same global rate
 * limit as the workers, on a short-lived Redis connection of its own; all three are closed after.
 */
export async function withS1Read<T>(config: Config, read: (client: S1Client, limiter: OutboundRateLimiter) => Promise<T>, connections = 2): Promise<T> {
  const token = requireToken(config);
  const redis = createRedis(config.redisUrl, 'producer');
  await connectRedis(redis, config.redisUrl);
  const limiter = new OutboundRateLimiter(redis, globalKeys(config.prefix), { rate: config.rateLimit, slackMs: config.rateSlackMs });
  const client = createS1Client({ baseUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, connections });
  try {
    return await read(client, limiter);
  } finally {
    limiter.close();
    await client.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}
