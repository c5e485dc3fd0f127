import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSIGN_QUEUE } from '../../src/queue/keys.js';
import { spawnCli } from '../helpers/cli.js';
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
  expect((await once(worker, 'exit'))[0]).toBe(0);
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
