import { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifyProcessor, type NotifyPayload } from '../../jobs/index.js';
import { NOTIFY_RETRY, batchFinishedEvent, createNotifyQueue, createWebhookSender, enqueueNotification, notifyJobOptions, notifyKeys, retryWindowMs } from '../../src/notify/index.js';
import { startNotifyHarness, type NotifyHarness } from './notify-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

describe('the retry policy', () => {
  it('tries for about an hour by default, never longer', () => {
    expect(retryWindowMs(NOTIFY_RETRY)).toBeLessThanOrEqual(3_600_000);
    expect(retryWindowMs(NOTIFY_RETRY)).toBeGreaterThan(50 * 60_000);
    expect(notifyJobOptions('batch.finished-b1')).toMatchObject({
      jobId: 'batch.finished-b1',
      attempts: NOTIFY_RETRY.attempts,
      backoff: { type: 'exponential', delay: NOTIFY_RETRY.backoffMs, jitter: NOTIFY_RETRY.jitter },
      removeOnComplete: true,
    });
  });
});

let receiver: WebhookReceiver | undefined;
let h: NotifyHarness | undefined;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
  h = receiver = undefined;
});

describe('the delivery claims, one processor call at a time', () => {
  it('a claim held by another worker stops the POST; after the delivery the same job sends nothing', async () => {
    receiver = await startWebhookReceiver();
    h = await startNotifyHarness('notify-claims', receiver.url);
    const queue = createNotifyQueue(h.redis, h.prefix);
    const sender = createWebhookSender({ url: h.config.notifyUrl!, secret: h.secret });
    try {
      const event = batchFinishedEvent({ batchId: 'b-claims', source: 'a.csv', rows: 1, assigned: 1, alreadyMember: 0, failed: 0, invalid: 0, duplicate: 0, pending: 0, durationSeconds: 1, reportPath: 'r' });
      await enqueueNotification(queue, event);
      const job = (await Job.fromId<NotifyPayload>(queue, event.id))!;
      const process = createNotifyProcessor({ redis: h.redis, prefix: h.prefix, sender, log: h.log });

      // A worker whose lock on this job lapsed is still POSTing it.
      await h.redis.set(notifyKeys(h.prefix, event.id).sending, 'other-worker', 'PX', 60_000);
      await expect(process(job)).rejects.toThrow(/another worker is delivering/);
      expect(receiver.requests).toHaveLength(0);

      await h.redis.del(notifyKeys(h.prefix, event.id).sending);
      await expect(process(job)).resolves.toBe('delivered');
      expect(await h.redis.exists(notifyKeys(h.prefix, event.id).sending)).toBe(0);
      await expect(process(job)).resolves.toBe('already-delivered');
      expect(receiver.requests).toHaveLength(1);
      expect(await h.redis.ttl(notifyKeys(h.prefix, event.id).delivered)).toBeGreaterThan(0);
    } finally {
      await sender.close();
      await queue.close();
    }
  });
});
