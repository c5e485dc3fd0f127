import { Worker } from 'bullmq';
import { NOTIFY_QUEUE, createNotifyProcessor, type NotifyPayload } from '../../jobs/index.js';
import { retentionSeconds } from '../config/index.js';
import { createWebhookSender } from '../notify/index.js';
import type { CleanupStack } from './cleanup-stack.js';
import type { WorkerParts } from './worker-parts.js';

/**
 * With NOTIFY_URL set: the BullMQ worker of the `notify` queue, POSTing each event (jobs/deliver-notification.ts).
 * Every worker process runs one; the event's job id and delivery claims keep it to one POST per event.
 */
export function startNotifyWorker(parts: WorkerParts, cleanups: CleanupStack): void {
  const { config, log, redis } = parts;
  if (!config.notifyUrl || !config.notifySecret) return;
  const sender = createWebhookSender({ url: config.notifyUrl, secret: config.notifySecret });
  cleanups.push(() => sender.close());
  const processor = createNotifyProcessor({ redis, prefix: config.prefix, sender, log, forceSignal: parts.force, deliveredTtlSeconds: retentionSeconds(config) });
  const worker = new Worker<NotifyPayload>(NOTIFY_QUEUE, processor, {
    connection: redis,
    prefix: config.prefix,
    concurrency: 4,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
  });
  worker.on('error', parts.outage.errorListener('notify worker'));
  // Pushed after the sender: cleanups run in reverse, so the worker stops before its sender closes.
  cleanups.push(() => worker.close(parts.force.aborted));
}
