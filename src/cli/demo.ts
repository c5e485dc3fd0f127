import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConfigOverrides } from '../config/index.js';
import { DEMO_DIRECTORY, startSimulator } from '../sim/index.js';
import { ensureDemoRedis } from './ensure-redis.js';

/**
 * A queue prefix only this demo run uses, derived from the configured one (its `{hash tag}` kept): no worker outside
 * the demo process can take a demo row, however QUEUE_PREFIX is set.
 */
export function demoPrefix(configured: string, suffix = randomBytes(4).toString('hex')): string {
  const tagged = /^\{([^{}]+)\}$/.exec(configured);
  return tagged ? `{${tagged[1]}-demo-${suffix}}` : `${configured}-demo-${suffix}`;
}

export interface Demo {
  /** Redis, simulator URL and token for loadConfig. */
  overrides: ConfigOverrides;
  /** The demo's prefix for the configured one; its keys are removed by stop(). */
  isolate(configuredPrefix: string): string;
  /** Stops the simulator, removes the demo's own keys, stops a Redis the demo started. */
  stop(): Promise<void>;
}

/** `run --sim`: a Redis (found or started) and a simulator with a throwaway token. */
export async function startDemo(env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<Demo> {
  const redis = await ensureDemoRedis(env, say);
  // The simulator gets a throwaway token of its own: the demo needs no real S1 credentials.
  const token = randomBytes(18).toString('base64url');
  // The demo directory (users with e-mails, named groups) lets examples/by-email.csv resolve too.
  const sim = await startSimulator({ token, ...DEMO_DIRECTORY });
  say(`Using the built-in S1 simulator at ${sim.url}`);
  let prefix: string | undefined;
  return {
    overrides: { redisUrl: redis.url, apiUrl: sim.url, apiToken: token },
    isolate(configured) {
      prefix ??= demoPrefix(configured);
      return prefix;
    },
    async stop() {
      await sim.close();
      if (prefix !== undefined && !redis.stop) await removeKeys(redis.url, prefix).catch(() => undefined);
      await redis.stop?.();
    },
  };
}

/** The demo leaves nothing in a Redis it did not start: every key under its own prefix, and only those. */
async function removeKeys(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  r.on('error', () => undefined);
  try {
    await r.connect();
    // The prefix is ours alone (random suffix); glob characters in it are escaped so MATCH takes it literally.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await r.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
