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

describe('Redis killed with SIGKILL mid-batch and restarted from its AOF', () => {
  it('workers reconnect and finish; what the last second of AOF lost is redone, and counts stay exact', { timeout: 120_000 }, async () => {
    redis = await startFaultRedis();
    e = await startE2E('f-redis9', {}, { url: redis.url });
    const rows = faultRows(100);
    const { batch, codes } = await runFaultBatch(e, rows, 'f-redis9', {
      workers: 2,
      env: { ...FAST_STALL, S1_RATE_LIMIT: '30' },
      async during() {
        await waitFor('a fifth of the rows done', async () => ((await e!.store.getBatch('f-redis9'))?.assigned ?? 0) >= 20);
        // The test's own client would otherwise queue commands for the dead server and retry them on its own.
        e!.redis.disconnect();
        await redis!.kill9();
        await redis!.restart();
        await e!.redis.connect();
      },
      timeoutMs: 90_000,
    });
    expect(codes).toEqual([0, 0]);
    expect(batch).toMatchObject({ assigned: 100, failed: 0 });
  });
  // What a worker prints through such an outage (one warn, one info, nothing on stderr) is checked by
  // test/e2e/redis-restart.test.ts, on a real worker process.
});
