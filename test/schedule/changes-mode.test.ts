import type { ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncQueue, resolveSchedule, runNow, scheduleKeys, setSchedule } from '../../src/schedule/index.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, logLines, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
let syncQueue: Queue;
let worker: { proc: ChildProcess; out: ReturnType<typeof collect> };

beforeAll(async () => {
  e = await startE2E('sched-changes');
  syncQueue = createSyncQueue(e.redis, e.prefix);
  const proc = spawnCli(['worker'], e.env());
  worker = { proc, out: collect(proc) };
  await waitFor('the worker started', () => worker.out.stdout().includes('"worker started"'), 20_000);
});

afterAll(async () => {
  worker.proc.kill('SIGTERM');
  const [code] = await stopped(worker.proc);
  await syncQueue.close();
  await e.close();
  expect(code).toBe(0);
});

/** POSTs the simulator received per pair of `group`, keyed by account user. */
function posts(group: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pair, n] of Object.entries(e.sim.stats().perPair)) if (pair.endsWith(`|${group}`)) out[pair.split('|')[0]!] = n;
  return out;
}
const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const nextSecond = (ms: number) => waitFor('the next second', () => Math.floor(Date.now() / 1000) > Math.floor(ms / 1000), 3000, 20);
/** Runs one tick by hand (in a new second, so it gets a new batch) and waits for its batch to finish. */
async function tick(name: string) {
  const t = await runNow(syncQueue, name);
  const batch = await e.waitDone(t.batchId);
  await nextSecond(Date.parse(batch.meta.tickAt!));
  return batch;
}
/**
 * The reasons of a batch's already-member rows as the worker logged them, once `n` are there: the batch reads done
 * as soon as Redis has its last outcome, and the worker logs that outcome when Redis's answer reaches it.
 */
const reasonsLogged = (batchId: string, n: number) =>
  waitFor(`${n} already-member lines of ${batchId}`, () => {
    const reasons = logLines(worker.out.stdout())
      .filter((l) => l.batchId === batchId && l.msg === 'row outcome' && l.outcome === 'already-member')
      .map((l) => l.reason);
    return reasons.length >= n ? reasons : undefined;
  }, 10_000);

describe('schedule --mode changes', () => {
  it('sends only new pairs and those that failed last time (counted at the simulator); the rest is already-member "unchanged"', async () => {
    const G = 'UGR-4444-0001';
    // Four valid users, and one the server does not know (its last block is 9999: 404, a permanent failure).
    const v1 = csvRows(4, G) + `AUSR-1000-0000-9999,${G}\n`;
    const file = e.file('delta.csv', v1);
    await setSchedule(syncQueue, resolveSchedule({ name: 'delta', cron: '0 0 1 1 *', source: file, mode: 'changes' }));

    const b1 = await tick('delta');
    expect(b1).toMatchObject({ rows: 5, assigned: 4, failed: 1, alreadyMember: 0 });
    expect(total(posts(G)), 'the first sync sends every row').toBe(5);

    // The same file plus two new rows.
    e.file('delta.csv', v1 + `AUSR-1000-0000-0005,${G}\nAUSR-1000-0000-0006,${G}\n`);
    const b2 = await tick('delta');
    expect(b2).toMatchObject({ rows: 7, assigned: 2, failed: 1, alreadyMember: 4, pending: 0 });
    const after2 = posts(G);
    expect(total(after2), 'exactly the two new rows and the one that failed were sent').toBe(8);
    expect(after2).toEqual({ 'AUSR-1000-0000-0001': 1, 'AUSR-1000-0000-0002': 1, 'AUSR-1000-0000-0003': 1, 'AUSR-1000-0000-0004': 1, 'AUSR-1000-0000-9999': 2, 'AUSR-1000-0000-0005': 1, 'AUSR-1000-0000-0006': 1 });
    expect(await reasonsLogged(b2.batchId, 4)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    // Memory: 8 bytes per pair that succeeded in the previous batch.
    const k = scheduleKeys(e.prefix, 'delta');
    expect(await e.redis.strlen(k.memory)).toBe(4 * 8);

    // Nothing changed: only the row that keeps failing is sent; the unchanged rows of last time are carried forward.
    const b3 = await tick('delta');
    expect(b3).toMatchObject({ rows: 7, assigned: 0, failed: 1, alreadyMember: 6 });
    expect(total(posts(G))).toBe(9);
    expect(await e.redis.strlen(k.memory)).toBe(6 * 8);
  });

  it('--skip-existing: pairs already in place on the server are recorded already-member without a call', async () => {
    const G = 'UGR-4444-0002';
    e.sim.seed([{ id: 'AUSR-1000-0000-0001', groups: [G] }]);
    const file = e.file('skip.csv', csvRows(3, G));
    await setSchedule(syncQueue, resolveSchedule({ name: 'skip', cron: '0 0 1 1 *', source: file, skipExisting: true }));
    const b = await tick('skip');
    expect(b).toMatchObject({ rows: 3, assigned: 2, alreadyMember: 1 });
    expect(posts(G)).toEqual({ 'AUSR-1000-0000-0002': 1, 'AUSR-1000-0000-0003': 1 });
    expect(await reasonsLogged(b.batchId, 1)).toEqual(['in-place']);
  });
});
