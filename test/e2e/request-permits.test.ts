import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSIGN_QUEUE, globalKeys } from '../../src/queue/keys.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, startE2E, type E2E } from '../helpers/e2e.js';

/**
 * S1_CONCURRENCY is the number of requests in flight to S1 per worker process; the worker holds twice as many jobs
 * so that their Redis round trips do not leave those requests idle. Against a slow simulator both limits are
 * reached for most of the run, so each is seen exactly.
 */
let e: E2E;
let maxActiveJobs = 0;
let batch: Awaited<ReturnType<E2E['waitDone']>>;

beforeAll(async () => {
  e = await startE2E('permits', { latencyMs: 150 });
  expect((await e.cli(['import', e.file('permits.csv', csvRows(40)), '--batch', 'permits'])).code).toBe(0);
  e.sim.reset();
  const worker = spawnCli(['worker'], e.env({ S1_CONCURRENCY: '3', S1_RATE_LIMIT: '1000' }));
  const active = `${e.prefix}:${ASSIGN_QUEUE}:active`;
  let finished = false;
  const watching = (async () => {
    while (!finished) {
      maxActiveJobs = Math.max(maxActiveJobs, await e.redis.llen(active));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  batch = await e.waitDone('permits');
  finished = true;
  await watching;
  worker.kill('SIGTERM');
  expect((await stopped(worker))[0]).toBe(0);
}, 90_000);

afterAll(async () => {
  await e.close();
});

describe('request permits (S1_CONCURRENCY) and jobs in hand', () => {
  it('never has more than S1_CONCURRENCY requests open at the API, and uses all of them', () => {
    expect(batch.assigned).toBe(40);
    expect(e.sim.stats().maxInFlight).toBe(3);
  });

  it('holds twice S1_CONCURRENCY jobs, not more', () => {
    expect(maxActiveJobs).toBe(6);
  });
});

describe('a rate slot is taken only with a connection to send on', () => {
  let slow: E2E;
  beforeAll(async () => {
    slow = await startE2E('permit-slots', { latencyMs: 1000 });
  });
  afterAll(async () => {
    await slow.close();
  });

  it('jobs in hand beyond the connections wait for one before taking a slot', async () => {
    const worker = spawnCli(['worker'], slow.env({ S1_CONCURRENCY: '2', S1_RATE_LIMIT: '1000' }));
    const out = collect(worker);
    try {
      // The worker's preflight read takes a slot too: let it leave the window (1 s + the slack) before any row.
      await waitFor('the worker to start', () => out.stdout().includes('"worker started"'), 30_000);
      await new Promise((r) => setTimeout(r, 1200));
      expect((await slow.cli(['import', slow.file('slots.csv', csvRows(6)), '--batch', 'slots'])).code).toBe(0);
      await waitFor('two requests at the simulator', () => slow.sim.stats().posts >= 2, 30_000, 10);
      // Two jobs are sending, two more are in hand; their answers take a second. Had the two waiting jobs taken slots
      // without a socket, the log would count four.
      await new Promise((r) => setTimeout(r, 300));
      expect(slow.sim.stats().posts).toBe(2);
      expect(await slow.redis.get(globalKeys(slow.prefix).rateCount)).toBe('2');
      await slow.waitDone('slots');
    } finally {
      worker.kill('SIGTERM');
      await stopped(worker);
    }
  });
});
