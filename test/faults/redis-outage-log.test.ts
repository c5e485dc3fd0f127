import { Writable } from 'node:stream';
import { Queue, Worker, type Job, type WorkerOptions } from 'bullmq';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedis, connectRedis, createRedisOutageLog } from '../../src/queue/redis-connection.js';
import { waitFor } from '../helpers/cli.js';
import { uniquePrefix } from '../helpers/test-env.js';
import { startFaultRedis, type FaultRedis } from './harness/fault-redis.js';

let redis: FaultRedis | undefined;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  await redis?.close();
  vi.restoreAllMocks();
});

/** A pino logger whose lines land in an array, parsed. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/**
 * The wiring start-worker needs, on a fresh fault Redis: one client watched by the outage log, a Queue and a Worker
 * sharing it, each handing its 'error' events to the outage log.
 */
async function wiredWorker(name: string, processor: (job: Job) => Promise<unknown>, opts: Partial<WorkerOptions> = {}) {
  redis = await startFaultRedis();
  const { log, lines } = capturingLogger();
  const outage = createRedisOutageLog(log, redis.url);
  const client = createRedis(redis.url, 'worker');
  await connectRedis(client, redis.url);
  outage.watch(client);
  closers.push(() => client.quit());
  const prefix = uniquePrefix(name);
  const queue = new Queue('assign', { connection: client, prefix });
  queue.on('error', outage.errorListener('queue'));
  closers.push(() => queue.close());
  const worker = new Worker('assign', processor, { connection: client, prefix, ...opts });
  worker.on('error', outage.errorListener('worker'));
  closers.push(() => worker.close(true));
  await worker.waitUntilReady();
  return { redis, lines, outage, client, prefix, queue };
}

describe('createRedisOutageLog (issue 15.5)', () => {
  it('a Redis outage is one warn line and one info line, with a BullMQ Queue and Worker sharing the connection', { timeout: 60_000 }, async () => {
    const consoleError = vi.spyOn(console, 'error');
    const { redis, lines, outage, client, queue } = await wiredWorker('outage', async () => undefined);

    await redis.kill9();
    await waitFor('the outage to be noticed', () => outage.down);
    // Let the clients fail a few reconnect attempts: each is an error that must not become a line.
    let attempts = 0;
    client.on('error', () => attempts++);
    await waitFor('three failed reconnect attempts', () => attempts >= 3, 30_000);
    await redis.restart();
    await waitFor('the outage to end', () => !outage.down, 30_000);
    // A job still runs afterwards: the connection is really back.
    await queue.add('x', {});
    await waitFor('the job to complete', async () => (await queue.getJobCounts('completed')).completed === 1, 30_000);

    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['Redis connection lost: workers wait and reconnect, nothing is lost; one line will say when it is back']);
    const back = lines.filter((l) => l.level === 30);
    expect(back).toMatchObject([{ msg: 'Redis connection is back', redis: redis.url }]);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('a job gone when BullMQ moves it on is an error, but a warning right after an outage (a move re-sent on reconnect)', { timeout: 60_000 }, async () => {
    // Each job waits until the test has deleted its hash, as a finished job's is when its first move ran.
    const release = new Map<string, () => void>();
    const gone = (job: Job) => new Promise<void>((done) => release.set(job.id!, done));
    const { redis, lines, outage, client, prefix, queue } = await wiredWorker('gone', gone, { removeOnComplete: { count: 0 } });
    const finishGone = async (id: string) => {
      await queue.add('x', {}, { jobId: id });
      await waitFor(`job ${id} to start`, () => release.has(id));
      await client.del(`${prefix}:assign:${id}`);
      release.get(id)!();
    };

    await finishGone('no-outage');
    await waitFor('the error line', () => lines.some((l) => l.level === 50));
    // BullMQ then tries to fail the job for a retry, which meets the same missing hash: one line per move.
    const errors = lines.filter((l) => l.level === 50);
    expect(errors[0]).toMatchObject({ msg: 'worker error', err: { message: 'Missing key for job no-outage. moveToFinished' } });
    for (const l of errors) expect(l).toMatchObject({ msg: 'worker error', err: { message: expect.stringMatching(/^Missing key for job no-outage\. /) } });

    await redis.kill9();
    await waitFor('the outage to be noticed', () => outage.down);
    await redis.restart();
    await waitFor('the outage to end', () => !outage.down, 30_000);
    const errorsBefore = lines.filter((l) => l.level === 50).length;
    await finishGone('after-outage');
    await waitFor('the warning', () => lines.some((l) => l.jobId === 'after-outage'));
    const warned = lines.filter((l) => l.jobId === 'after-outage');
    expect(warned[0]).toMatchObject({ level: 40, command: 'moveToFinished', msg: expect.stringContaining('just after a Redis outage') });
    for (const l of warned) expect(l.level).toBe(40);
    expect(lines.filter((l) => l.level === 50)).toHaveLength(errorsBefore);
  });

  it('an error that is not about the connection is still logged as an error', () => {
    const { log, lines } = capturingLogger();
    const outage = createRedisOutageLog(log, 'redis://:secret@127.0.0.1:1');
    outage.errorListener('worker')(new Error('Missing lock for job 7'));
    expect(lines).toMatchObject([{ level: 50, msg: 'worker error', err: { message: 'Missing lock for job 7' } }]);
    expect(outage.down).toBe(false);
  });
});
