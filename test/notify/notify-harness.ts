import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createNotifyProcessor, type NotifyPayload, type NotifyResult } from '../../jobs/index.js';
import type { Config } from '../../src/config/index.js';
import { REDACT_PATHS, type Logger } from '../../src/log/logger.js';
import { NOTIFY_QUEUE, createNotifier, createNotifyQueue, createWebhookSender, type Notifier, type NotifyRetryPolicy } from '../../src/notify/index.js';
import { redisUrl, testConfig, uniquePrefix } from '../helpers/test-env.js';

/** Tries quick enough for a test; the real default (NOTIFY_RETRY) spans an hour. */
export const QUICK_RETRY: NotifyRetryPolicy = { attempts: 4, backoffMs: 20, jitter: 0 };

export interface NotifyHarness {
  prefix: string;
  /** A token nobody could mistake for anything else, so "it never appears" is a plain search. */
  token: string;
  secret: string;
  config: Config;
  /** Every log line written by the workers and notifiers of this harness (NDJSON strings). */
  logLines: string[];
  log: Logger;
  /** A producer: its own Redis connection and notify queue, like a second worker or `run` raising the event. */
  notifier(retry?: NotifyRetryPolicy): Promise<Notifier>;
  /** A BullMQ worker on the notify queue running the job processor, on its own connection. */
  worker(options?: { timeoutMs?: number }): Promise<Worker<NotifyPayload, NotifyResult>>;
  /** A plain connection for looking at Redis. */
  redis: Redis;
  jobCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startNotifyHarness(name: string, webhookUrl: string): Promise<NotifyHarness> {
  const prefix = uniquePrefix(name);
  const token = `tok_${randomBytes(12).toString('hex')}_APITOKEN`;
  const secret = `whsec_${randomBytes(12).toString('hex')}`;
  const config = testConfig({ REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, S1_API_TOKEN: token, NOTIFY_URL: webhookUrl, NOTIFY_SECRET: secret });
  const logLines: string[] = [];
  const log = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (line: string) => void logLines.push(line) });
  const redis = new Redis(config.redisUrl);
  const cleanups: Array<() => Promise<unknown>> = [() => redis.quit()];
  const connection = () => {
    const c = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    cleanups.push(() => c.quit());
    return c;
  };
  const force = new AbortController();
  const inspect = createNotifyQueue(redis, prefix);
  cleanups.push(() => inspect.close());

  return {
    prefix,
    token,
    secret,
    config,
    logLines,
    log,
    redis,
    async notifier(retry = QUICK_RETRY) {
      const n = createNotifier(connection(), config, log, { retry });
      cleanups.push(() => n.close());
      return n;
    },
    async worker(options = {}) {
      const conn = connection();
      const sender = createWebhookSender({ url: config.notifyUrl!, secret: config.notifySecret!, timeoutMs: options.timeoutMs });
      cleanups.push(() => sender.close());
      const processor = createNotifyProcessor({ redis: conn, prefix, sender, log, forceSignal: force.signal, deliveredTtlSeconds: 3600 });
      const w = new Worker<NotifyPayload, NotifyResult>(NOTIFY_QUEUE, processor, { connection: conn, prefix, concurrency: 4 });
      w.on('error', () => undefined);
      cleanups.push(() => w.close(true));
      await w.waitUntilReady();
      return w;
    },
    async jobCounts() {
      return inspect.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
    },
    async close() {
      force.abort();
      // Reverse order of creation: workers and senders before the connections they use.
      for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    },
  };
}

/** Log lines parsed, for looking at fields. */
export function parsed(lines: string[]): Array<Record<string, unknown>> {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}
