import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier, notifyKeys, type BatchFinishedInput } from '../../src/notify/index.js';
import { waitFor } from '../helpers/cli.js';
import { redisValues } from '../helpers/e2e.js';
import { freePort } from '../helpers/redis-server.js';
import { parsed, startNotifyHarness, type NotifyHarness } from './notify-harness.js';
import { readmeVerifier } from './readme-verifier.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const input = (batchId: string, over: Partial<BatchFinishedInput> = {}): BatchFinishedInput => ({
  batchId,
  source: 'assignments.csv',
  rows: 3,
  assigned: 2,
  alreadyMember: 0,
  failed: 1,
  invalid: 0,
  duplicate: 0,
  pending: 0,
  durationSeconds: 1.5,
  reportPath: `reports/${batchId}/report.json`,
  ...over,
});

let receiver: WebhookReceiver | undefined;
let h: NotifyHarness | undefined;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
  h = receiver = undefined;
});

const idle = async (n: NotifyHarness) => {
  const c = await n.jobCounts();
  return c.waiting! + c.active! + c.delayed! + c.prioritized! === 0 ? c : undefined;
};

describe('notification delivery (real Redis, a real HTTP receiver, BullMQ workers)', () => {
  it('POSTs the event as signed JSON that the README verifier accepts', async () => {
    receiver = await startWebhookReceiver();
    h = await startNotifyHarness('notify-post', receiver.url);
    await h.worker();
    await (await h.notifier()).batchFinished(input('b-post'));
    await waitFor('delivery', () => receiver!.delivered().length === 1);

    const req = receiver.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(new URL(h.config.notifyUrl!).pathname);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-bulk-assign-event']).toBe('batch.finished');
    expect(req.headers['x-bulk-assign-delivery']).toBe('batch.finished-b-post');
    const { verify } = await readmeVerifier();
    expect(verify(req.body, req.headers['x-bulk-assign-signature'], h.secret)).toBe(true);
    expect(verify(req.body, req.headers['x-bulk-assign-signature'], 'not-the-secret')).toBe(false);

    const body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({ event: 'batch.finished', id: 'batch.finished-b-post', batchId: 'b-post', source: 'assignments.csv', state: 'completed-with-failures', rows: 3, assigned: 2, failed: 1, durationSeconds: 1.5 });
    // The worker's path to the report, made absolute so it means something away from the worker's folder.
    expect(body.reportPath).toBe(`${process.cwd()}/reports/b-post/report.json`);
    expect(body.text).toMatch(/^bulk-assign: batch b-post finished with failures: 3 rows, 2 assigned, 0 already members, 1 failed/);
  });

  it('delivers once when two producers raise the same event at once with two workers running, and not again later', async () => {
    receiver = await startWebhookReceiver();
    h = await startNotifyHarness('notify-once', receiver.url);
    await h.worker();
    await h.worker();
    const [a, b, c] = [await h.notifier(), await h.notifier(), await h.notifier()];
    await Promise.all([a.batchFinished(input('b-once')), b.batchFinished(input('b-once')), a.scheduleFailed({ schedule: 'nightly', error: 'source gone', tickAt: 1_700_000_000_000 }), b.scheduleFailed({ schedule: 'nightly', error: 'source gone', tickAt: 1_700_000_000_000 })]);
    await waitFor('both events delivered and the queue idle', async () => receiver!.delivered().length === 2 && (await idle(h!)));
    expect(await h.redis.get(notifyKeys(h.prefix, 'batch.finished-b-once').delivered)).toBeTruthy();

    // The completed job is gone (removeOnComplete), so this add makes a new job: the delivered claim stops its POST.
    await c.batchFinished(input('b-once'));
    await waitFor('the late re-run to finish', async () => parsed(h!.logLines).some((l) => l.msg === 'notification already delivered; not sent again') && (await idle(h!)));
    expect(receiver.requests.map((r) => r.headers['x-bulk-assign-delivery']).sort()).toEqual(['batch.finished-b-once', 'schedule.failed-nightly-1700000000000']);
  });

  it('retries a receiver that answers 500 twice and delivers on the third try', async () => {
    receiver = await startWebhookReceiver([500, 503]);
    h = await startNotifyHarness('notify-500', receiver.url);
    const worker = await h.worker();
    const completed = new Promise<number>((resolve) => worker.on('completed', (job) => resolve(job.attemptsMade)));
    await (await h.notifier()).batchFinished(input('b-500'));
    await waitFor('delivery', () => receiver!.delivered().length === 1);
    // BullMQ counts the try that succeeded too: completed on the third.
    expect(await completed).toBe(3);
    expect(receiver.requests).toHaveLength(3);
    // Every try sends the same bytes, so the receiver may dedupe on them or on the id.
    expect(new Set(receiver.requests.map((r) => r.body.toString('hex'))).size).toBe(1);
    expect(parsed(h.logLines).filter((l) => l.msg === 'notification not delivered; will retry').map((l) => l.reason)).toEqual(['http-500', 'http-503']);
  });

  it('retries after a receiver that does not answer in time', async () => {
    receiver = await startWebhookReceiver(['hang']);
    h = await startNotifyHarness('notify-timeout', receiver.url);
    await h.worker({ timeoutMs: 300 });
    await (await h.notifier()).batchFinished(input('b-timeout'));
    await waitFor('delivery', () => receiver!.delivered().length === 1);
    expect(receiver.requests).toHaveLength(2);
    expect(parsed(h.logLines).find((l) => l.msg === 'notification not delivered; will retry')).toMatchObject({ reason: 'timeout', attempt: 1 });
  });

  it('gives up at once on a 4xx that says the webhook is gone, and keeps the event id taken', async () => {
    receiver = await startWebhookReceiver([410]);
    h = await startNotifyHarness('notify-410', receiver.url);
    await h.worker();
    const n = await h.notifier();
    await n.batchFinished(input('b-410'));
    await waitFor('the job to fail', async () => ((await h!.jobCounts()).failed === 1 ? true : undefined));
    await n.batchFinished(input('b-410'));
    expect(await h.jobCounts()).toMatchObject({ failed: 1, waiting: 0, delayed: 0 });
    expect(receiver.requests).toHaveLength(1);
    expect(parsed(h.logLines).find((l) => l.level === 50)).toMatchObject({ httpStatus: 410, notification: 'batch.finished-b-410' });
  });

  it('never carries the API token (nor the secret, nor the webhook path) in a body, a header, a log line or Redis', async () => {
    receiver = await startWebhookReceiver([500]);
    h = await startNotifyHarness('notify-token', receiver.url);
    await h.worker();
    const n = await h.notifier();
    // A reason that quoted the token (a bug elsewhere) still must not carry it out.
    await n.scheduleFailed({ schedule: 'nightly', error: `S1 said no to ${h.token}`, tickAt: 1_700_000_000_000 });
    await n.batchFinished(input('b-token'));
    await waitFor('both delivered', async () => receiver!.delivered().length === 2 && (await idle(h!)));

    const sent = receiver.requests.flatMap((r) => [r.body.toString('utf8'), JSON.stringify(r.headers)]);
    expect(sent.join('\n')).toContain('[redacted]');
    const stored = await redisValues(h.redis, h.prefix);
    const path = new URL(h.config.notifyUrl!).pathname;
    for (const [where, texts] of Object.entries({ sent, logs: h.logLines, redis: stored })) {
      for (const t of texts) {
        expect(t, where).not.toContain(h.token);
        expect(t, where).not.toContain(h.secret);
      }
    }
    for (const line of h.logLines) expect(line).not.toContain(path);
    expect(h.logLines.length).toBeGreaterThan(2);
  });

  it('does not hold the caller when the webhook is down or hangs: the enqueue returns, the POST happens later', async () => {
    const downUrl = `http://127.0.0.1:${await freePort()}/hook`;
    h = await startNotifyHarness('notify-down', downUrl);
    await h.worker();
    const n = await h.notifier({ attempts: 9, backoffMs: 60_000, jitter: 0 });
    await n.batchFinished(input('b-down'));
    // Refused: the first try failed and the next waits a minute, while the caller went on long before.
    await waitFor('the first try to fail', async () => ((await h!.jobCounts()).delayed === 1 ? true : undefined));
    expect(parsed(h.logLines).find((l) => l.msg === 'notification not delivered; will retry')).toMatchObject({ reason: 'network (ECONNREFUSED)', attempt: 1, attempts: 9 });
    await h.close();

    receiver = await startWebhookReceiver(['hang']);
    h = await startNotifyHarness('notify-hang', receiver.url);
    await h.worker({ timeoutMs: 60_000 });
    await (await h.notifier()).batchFinished(input('b-hang'));
    // The enqueue has returned while the receiver still holds the POST open.
    await waitFor('the POST to reach the receiver', () => receiver!.requests.length === 1);
    expect(await h.jobCounts()).toMatchObject({ active: 1, completed: 0 });
  });

  it('does nothing when NOTIFY_URL is unset', async () => {
    receiver = await startWebhookReceiver();
    h = await startNotifyHarness('notify-off', receiver.url);
    const off = createNotifier(h.redis, { ...h.config, notifyUrl: undefined }, h.log);
    expect(off.enabled).toBe(false);
    await off.batchFinished(input('b-off'));
    expect(await h.jobCounts()).toMatchObject({ waiting: 0, delayed: 0 });
    await off.close();
  });
});
