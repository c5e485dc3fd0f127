// A worker process as far as notifications go, built from the compiled code (`npm run build`): it runs the notify
// job processor on a BullMQ worker and, like a worker whose batch just ended, raises batch.finished for BATCH_ID.
// It prints `{"msg":"raised"}` once the event is queued and closes on SIGTERM. Used by two-worker-processes.test.ts.
import process from 'node:process';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createNotifyProcessor, NOTIFY_QUEUE } from '../../dist/jobs/index.js';
import { loadConfig } from '../../dist/src/config/index.js';
import { createLogger } from '../../dist/src/log/logger.js';
import { createNotifier, createWebhookSender } from '../../dist/src/notify/index.js';

const config = loadConfig({}, process.env);
const log = createLogger({ level: 'debug', pretty: false });
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const sender = createWebhookSender({ url: config.notifyUrl, secret: config.notifySecret });
const worker = new Worker(NOTIFY_QUEUE, createNotifyProcessor({ redis, prefix: config.prefix, sender, log }), { connection: redis, prefix: config.prefix, concurrency: 4 });
worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
const notifier = createNotifier(redis, config, log, { retry: { attempts: 4, backoffMs: 20, jitter: 0 } });
await worker.waitUntilReady();
const batchId = process.env.BATCH_ID;
await notifier.batchFinished({ batchId, source: 'a.csv', rows: 2, assigned: 2, alreadyMember: 0, failed: 0, invalid: 0, duplicate: 0, pending: 0, durationSeconds: 1, reportPath: `reports/${batchId}/report.json` });
log.info('raised');

process.once('SIGTERM', async () => {
  await notifier.close();
  await worker.close();
  await sender.close();
  await redis.quit();
  process.exit(0);
});
