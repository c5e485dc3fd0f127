import { afterEach, describe, expect, it } from 'vitest';
import { batchKeys } from '../../src/queue/keys.js';
import { waitFor } from '../helpers/cli.js';
import { logLines, startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows } from './harness/exact-counts.js';
import { expectOnlyLogLines, runFaultBatch } from './harness/fault-batch.js';

let e: E2E;
afterEach(() => e.close());

/**
 * An assigned row's job completes once its outcome call is written, without waiting for the answer. Here Redis
 * refuses the outcome calls for a while (the batch's outcome string replaced by a hash: every call fails with
 * WRONGTYPE) while it still completes the jobs: each refused row must go back to the queue, be sent again and be
 * counted once, and the batch must finish with exact counts.
 */
describe("Redis refuses rows' outcomes after their jobs completed", () => {
  it('every refused row goes back to the queue and is sent again; nothing is lost, nothing counted twice', { timeout: 90_000 }, async () => {
    e = await startE2E('f-refused');
    const rows = faultRows(90, 3100);
    const outcomes = batchKeys(e.prefix, 'f-refused').outcomes;
    const aside = `${outcomes}:aside`;
    const refusals = (stdout: string) => logLines(stdout).filter((l) => l.msg === "Redis refused this row's outcome after its job completed: the row goes back to the queue");
    const { batch, codes, pool } = await runFaultBatch(e, rows, 'f-refused', {
      env: { S1_RATE_LIMIT: '40', S1_CONCURRENCY: '4' },
      async during(pool) {
        await waitFor('10 rows assigned', async () => ((await e.store.getBatch('f-refused'))?.assigned ?? 0) >= 10);
        await e.redis.multi().rename(outcomes, aside).hset(outcomes, 'broken', '1').exec();
        await waitFor('five outcomes refused', () => refusals(pool.all[0]!.stdout()).length >= 5);
        await e.redis.multi().del(outcomes).rename(aside, outcomes).exec();
      },
    });
    expect(codes).toEqual([0]);
    expect(batch).toMatchObject({ rows: 90, assigned: 90, failed: 0 });
    const out = pool.all[0]!.stdout();
    const refused = refusals(out);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused[0]).toMatchObject({ level: 40, batchId: 'f-refused', refusedTimes: 1 });
    expect(String(refused[0]!.err)).toMatch(/WRONGTYPE/);
    // Each refusal sent its row once more, and nothing else was sent twice.
    expect(e.sim.stats().posts).toBe(90 + refused.length);
    // One outcome line per row, whatever number of times its job ran.
    const outcomeLines = logLines(out).filter((l) => l.msg === 'row outcome');
    expect(new Set(outcomeLines.map((l) => l.line)).size).toBe(90);
    expect(outcomeLines).toHaveLength(90);
    expectOnlyLogLines(pool.all);
  });
});
