import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifyQueue } from '../../src/notify/index.js';
import { waitFor } from '../helpers/cli.js';
import { childEnv, redisUrl, uniquePrefix } from '../helpers/test-env.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const SCRIPT = fileURLToPath(new URL('./notify-worker-process.mjs', import.meta.url));

let receiver: WebhookReceiver | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) {
    c.kill('SIGKILL');
    await once(c, 'exit');
  }
  await receiver?.close();
  receiver = undefined;
});

describe('two worker processes', () => {
  it('both raise batch.finished for the same batch: the receiver gets it once, and no process output holds the token', async () => {
    receiver = await startWebhookReceiver([500]);
    const token = `tok_${randomBytes(12).toString('hex')}_APITOKEN`;
    const prefix = uniquePrefix('notify-procs');
    const env = childEnv({ REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, S1_API_TOKEN: token, NOTIFY_URL: receiver.url, NOTIFY_SECRET: 'shared-secret', BATCH_ID: 'b-two-procs' });
    const outputs = ['', ''];
    for (const i of [0, 1]) {
      const child = spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => (outputs[i] += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (outputs[i] += d.toString()));
      children.push(child);
    }
    await waitFor('both processes to raise the event', () => outputs.every((o) => o.includes('"msg":"raised"')));
    await waitFor('the delivery', () => receiver!.delivered().length === 1);
    // Nothing left that could still POST: no job waiting, delayed or active.
    const redis = new Redis(redisUrl());
    const queue = createNotifyQueue(redis, prefix);
    await waitFor('the notify queue to be idle', async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    });
    await queue.close();
    await redis.quit();
    for (const c of children) c.kill('SIGTERM');
    const codes = await Promise.all(children.map(async (c) => (c.exitCode !== null ? c.exitCode : ((await once(c, 'exit'))[0] as number | null))));

    expect(codes).toEqual([0, 0]);
    // One 500, then the one delivery: the event was queued once though both processes raised it.
    expect(receiver.requests.map((r) => r.headers['x-bulk-assign-delivery'])).toEqual(['batch.finished-b-two-procs', 'batch.finished-b-two-procs']);
    expect(outputs.join('\n')).toContain('"msg":"notification delivered"');
    expect(outputs.join('\n')).not.toContain(token);
  });
});
