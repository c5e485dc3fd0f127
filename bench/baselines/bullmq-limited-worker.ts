/**
 * Baseline for scenarios 3 and 4: a bare BullMQ worker process using BullMQ's own queue-wide limiter
 * (`limiter: {max, duration: 1000}`), calling the API with undici. A 429 is handled the way BullMQ documents it:
 * `worker.rateLimit(Retry-After)` then `throw Worker.RateLimitError()`, so the job goes back without using an
 * attempt. No adaptation: the limiter stays at `max` whatever the server says.
 *
 * Usage: node bullmq-limited-worker.js <redisUrl> <prefix> <apiUrl> <token> <max> <concurrency>. Runs until SIGTERM.
 */
import { Worker, type Job } from 'bullmq';
import { request } from 'undici';
import { ASSIGN_QUEUE } from '../../src/queue/keys.js';

const [redisUrl, prefix, apiUrl, token, maxText, concurrencyText] = process.argv.slice(2);
if (!redisUrl || !prefix || !apiUrl || !token || !maxText || !concurrencyText) {
  throw new Error('usage: bullmq-limited-worker <redisUrl> <prefix> <apiUrl> <token> <max> <concurrency>');
}

interface Row {
  accountUserId: string;
  groupId: string;
}

const url = new URL(redisUrl);
const worker: Worker<Row> = new Worker<Row>(
  ASSIGN_QUEUE,
  async (job: Job<Row>) => {
    const res = await request(`${apiUrl}/public/v1/accounts/account-users/${encodeURIComponent(job.data.accountUserId)}/groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ id: job.data.groupId }),
    });
    if (res.statusCode === 429) {
      await res.body.dump();
      const seconds = Number(res.headers['retry-after'] ?? '1');
      await worker.rateLimit(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
      throw Worker.RateLimitError();
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`HTTP ${res.statusCode}`);
    }
    await res.body.json();
  },
  {
    connection: { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null },
    prefix,
    concurrency: Number(concurrencyText),
    limiter: { max: Number(maxText), duration: 1000 },
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  },
);
worker.on('error', () => undefined);

const stop = () => {
  void worker.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
