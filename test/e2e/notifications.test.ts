import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../notify/webhook-receiver.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, logLines, startE2E, type E2E } from '../helpers/e2e.js';

const SECRET = 'notify-secret-for-tests';

let e: E2E;
let receiver: WebhookReceiver;
beforeEach(async () => {
  e = await startE2E('notify-e2e');
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
  await e.close();
});

const events = (name: string) => receiver.delivered().map((r) => JSON.parse(r.body.toString()) as Record<string, unknown>).filter((b) => b.event === name);

describe('notifications from real worker processes', () => {
  it('two workers: one signed batch.finished per batch and one schedule.failed per failed tick, never the token', async () => {
    const env = e.env({ NOTIFY_URL: `${receiver.url}/hook`, NOTIFY_SECRET: SECRET });
    const workers = [spawnCli(['worker'], env), spawnCli(['worker'], env)];
    const outs = workers.map((w) => collect(w));
    await waitFor('two workers started', () => outs.every((o) => logLines(o.stdout()).some((l) => l.msg === 'worker started')));

    // A batch with one failure, shared by both workers.
    e.sim.addFault({ accountUserId: 'AUSR-1000-0000-0003', kind: 'status', status: 404 });
    expect((await e.cli(['import', e.file('n.csv', csvRows(40)), '--batch', 'notified'], { NOTIFY_URL: `${receiver.url}/hook`, NOTIFY_SECRET: SECRET })).code).toBe(0);
    await e.waitDone('notified');
    // A schedule whose source does not exist: its tick fails.
    expect((await e.cli(['schedule', 'set', 'broken', '--cron', '0 0 1 1 *', '--source', join(e.dir, 'missing.csv')])).code).toBe(0);
    expect((await e.cli(['schedule', 'run-now', 'broken'])).code).toBe(0);

    await waitFor('both events delivered', () => events('batch.finished').length >= 1 && events('schedule.failed').length >= 1, 30_000);
    // Give a duplicate every chance to arrive: both workers finish what they hold, then stop.
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(stopped));

    const finished = events('batch.finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ batchId: 'notified', rows: 40, assigned: 39, failed: 1, pending: 0 });
    expect(String(finished[0]!.text)).toContain('notified');
    const failedTicks = events('schedule.failed');
    expect(failedTicks).toHaveLength(1);
    expect(failedTicks[0]).toMatchObject({ schedule: 'broken' });
    expect(String(failedTicks[0]!.error)).toContain('missing.csv');

    for (const r of receiver.delivered()) {
      expect(r.headers['x-bulk-assign-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
    }
    const everything = receiver.requests.map((r) => r.body.toString() + JSON.stringify(r.headers)).join('') + outs.map((o) => o.stdout() + o.stderr()).join('');
    expect(everything).not.toContain(e.token);
  });
});
