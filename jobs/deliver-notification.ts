/**
 * Job kind `deliver` on queue `notify`: POST one notification (batch.finished, schedule.failed) to NOTIFY_URL.
 *
 * Payload: {@link NotifyPayload}, the event exactly as it is sent (never the API token, the webhook URL or the
 *   secret: the worker's own configuration supplies those at delivery time).
 * Job id: the event's id, `batch.finished-<batchId>` or `schedule.failed-<schedule>-<tick ms>`, so the event is
 *   queued once however many workers or commands raise it while its job exists.
 * Idempotency key: the event's id. A `delivered` claim in Redis (kept BATCH_RETENTION_DAYS) is checked before the
 *   POST and set right after a 2xx, so a job run again, or the event queued again after its job was removed, sends
 *   nothing; a `sending` claim held for one POST keeps two workers from POSTing it at once. The receiver also gets
 *   the id in `X-Bulk-Assign-Delivery` and the body, since a worker dying between the 2xx and the claim means one
 *   more POST of the same event on the next try.
 * Retry policy: stored on the job (src/notify/notify-retry.ts): 9 tries, exponential backoff from 14 s with 20%
 *   jitter, the last about an hour after the first. 2xx delivers; 5xx, 408, 425, 429, timeouts and connection
 *   failures retry; any other 4xx gives up at once (the receiver refuses the request itself).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/log/logger.js';
import { DeliveryClaims, type NotifyEvent, type WebhookSender } from '../src/notify/index.js';

export { NOTIFY_JOB, NOTIFY_QUEUE } from '../src/notify/index.js';

export type NotifyPayload = NotifyEvent;

/** What a notification job ended as: sent now, or found sent before (nothing POSTed). */
export type NotifyResult = 'delivered' | 'already-delivered';

export interface NotifyContext {
  /** The worker's Redis connection (the claims live there). */
  redis: Redis;
  /** The configured key prefix (QUEUE_PREFIX). */
  prefix: string;
  /** The POSTing side, made from NOTIFY_URL and NOTIFY_SECRET (createWebhookSender). */
  sender: WebhookSender;
  log: Logger;
  /** How long a delivered event is remembered, in s. @defaultValue 30 days */
  deliveredTtlSeconds?: number;
  /** Aborts a POST in flight when shutdown is forced. @defaultValue none */
  forceSignal?: AbortSignal;
}

/** The sending claim outlives one POST's deadline by this much, so only its own holder ever deletes it. */
const CLAIM_MARGIN_MS = 5_000;

export function createNotifyProcessor(ctx: NotifyContext) {
  const claims = new DeliveryClaims(ctx.redis, ctx.prefix, ctx.deliveredTtlSeconds ?? 30 * 86_400);
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const to = ctx.sender.target;

  return async function processNotification(job: Job<NotifyPayload>): Promise<NotifyResult> {
    const event = job.data;
    if (typeof event?.id !== 'string' || event.id !== job.id) throw new UnrecoverableError(`not a notification job: ${job.id ?? ''}`);
    const at = { notification: event.id, event: event.event, ...(event.event === 'batch.finished' ? { batchId: event.batchId } : { schedule: event.schedule }) };
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;

    const deliveredAt = await claims.delivered(event.id);
    if (deliveredAt) {
      ctx.log.info({ ...at, deliveredAt }, 'notification already delivered; not sent again');
      return 'already-delivered';
    }
    if (!(await claims.claimSending(event.id, holder, ctx.sender.timeoutMs + CLAIM_MARGIN_MS))) {
      // Another worker is POSTing it right now; the next try finds it delivered (or takes over a failed one).
      throw new Error('another worker is delivering this notification');
    }

    const res = await ctx.sender.send(event, ctx.forceSignal);
    if (res.verdict === 'delivered') {
      await claims.markDelivered(event.id);
      ctx.log.info({ ...at, to, httpStatus: res.status, attempt }, 'notification delivered');
      return 'delivered';
    }
    await claims.releaseSending(event.id);
    if (res.verdict === 'give-up') {
      ctx.log.error({ ...at, to, httpStatus: res.status, attempt }, `the notification receiver refused the notification (${res.reason}); not retried: check NOTIFY_URL`);
      throw new UnrecoverableError(res.reason);
    }
    if (attempt >= attempts) ctx.log.error({ ...at, to, reason: res.reason, attempts }, 'notification not delivered after the last try; given up');
    else ctx.log.warn({ ...at, to, reason: res.reason, attempt, attempts }, 'notification not delivered; will retry');
    throw new Error(res.reason);
  };
}
