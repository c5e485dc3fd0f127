import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows } from './harness/exact-counts.js';
import { runFaultBatch } from './harness/fault-batch.js';
import { startFaultRedis, type FaultRedis } from './harness/fault-redis.js';
import { FAST_STALL } from './harness/worker-pool.js';

let e: E2E | undefined;
let redis: FaultRedis | undefined;
afterEach(async () => {
  try {
    await e?.close();
  } finally {
    await redis?.close();
  }
});

/** How long Redis stays frozen: the fault as reported (a VM paused, a fork stalled on a huge dataset). */
const FROZEN_MS = 20_000;

describe('Redis frozen (SIGSTOP) for 20 s mid-batch', () => {
  it('workers wait it out; jobs whose locks lapsed run again, and every row is still counted once', { timeout: 120_000 }, async () => {
    redis = await startFaultRedis();
    e = await startE2E('f-frozen', {}, { url: redis.url });
    const rows = faultRows(100);
    const { batch, codes } = await runFaultBatch(e, rows, 'f-frozen', {
      workers: 2,
      // Locks of 1 s: every job in flight during the freeze has lost its lock by the time Redis is back.
      env: { ...FAST_STALL, S1_RATE_LIMIT: '25' },
      async during() {
        await waitFor('a fifth of the rows done', async () => ((await e!.store.getBatch('f-frozen'))?.assigned ?? 0) >= 20);
        redis!.freeze();
        // The fault's length, not a wait for state: nothing is checked until Redis is back.
        await sleep(FROZEN_MS);
        redis!.thaw();
      },
    });
    expect(codes).toEqual([0, 0]);
    expect(batch).toMatchObject({ assigned: 100, failed: 0 });
  });
});
