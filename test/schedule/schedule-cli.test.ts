import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncQueue } from '../../src/schedule/index.js';
import { startE2E, type E2E } from '../helpers/e2e.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/schedule/', import.meta.url));
const SOURCE = join(FIXTURES, 'nightly.csv');

let e: E2E;
beforeAll(async () => {
  e = await startE2E('sched-cli');
});
afterAll(() => e.close());

async function schedulers() {
  const q = createSyncQueue(e.redis, e.prefix);
  try {
    return await q.getJobSchedulers();
  } finally {
    await q.close();
  }
}

describe('bulk-assign schedule set/list/remove/run-now', () => {
  it('setting the same schedule twice leaves one scheduler with the new settings; list shows it', async () => {
    const a = await e.cli(['schedule', 'set', 'nightly', '--cron', '0 2 * * *', '--tz', 'Europe/Berlin', '--source', SOURCE]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^schedule nightly: "0 2 \* \* \*" \(Europe\/Berlin\), next run \d{4}-\d\d-\d\dT01:00:00\.000Z; source .*nightly\.csv, mode full\n$/);
    const b = await e.cli(['schedule', 'set', 'nightly', '--cron', '30 3 * * 1-5', '--tz', 'America/New_York', '--source', FIXTURES, '--mode', 'changes', '--skip-existing']);
    expect(b.code, b.stderr).toBe(0);

    const all = await schedulers();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ key: 'nightly', pattern: '30 3 * * 1-5', tz: 'America/New_York' });
    expect(all[0]!.template?.data).toMatchObject({ name: 'nightly', mode: 'changes', skipExisting: true, source: FIXTURES.replace(/\/$/, '') });

    const [list, human] = await Promise.all([e.cli(['schedule', 'list', '--json']), e.cli(['schedule', 'list'])]);
    expect(list.code, list.stderr).toBe(0);
    const parsed = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(1);
    expect(Object.keys(parsed[0]!).sort()).toEqual(['cron', 'lastBatchId', 'mode', 'name', 'next', 'source', 'tz']);
    expect(parsed[0]).toMatchObject({ name: 'nightly', cron: '30 3 * * 1-5', tz: 'America/New_York', mode: 'changes', lastBatchId: null });
    // 03:30 in New York is 07:30 or 08:30 UTC, on a weekday.
    const next = new Date(parsed[0]!.next as string);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect([7, 8]).toContain(next.getUTCHours());
    expect(next.getUTCMinutes()).toBe(30);

    expect(human.stdout).toMatch(/^nightly {2}"30 3 \* \* 1-5" America\/New_York {2}next \S+ {2}changes {2}\S+\n {4}last batch: no batch yet\n$/);
  });

  it('refuses an invalid cron or zone with one clear line and exit 1, creating nothing', async () => {
    // The other refusals (name, mode, field count, URL rules) are unit-tested in schedule-validation.test.ts.
    const cases: Array<[string[], RegExp]> = [
      [['bad-cron', '--cron', '0 25 * * *', '--source', SOURCE], /^bulk-assign: invalid --cron "0 25 \* \* \*": .*23.*\n$/],
      [['bad-tz', '--cron', '0 2 * * *', '--tz', 'Europe/Atlantis', '--source', SOURCE], /^bulk-assign: invalid --tz "Europe\/Atlantis": not an IANA time zone; use a name like Europe\/Berlin, America\/New_York or UTC\n$/],
    ];
    const results = await Promise.all(cases.map(([args]) => e.cli(['schedule', 'set', ...args])));
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
    expect((await schedulers()).map((s) => s.key)).toEqual(['nightly']);
  });

  it('run-now queues one tick named for this second; remove deletes the scheduler and its queued ticks; unknown names exit 1', async () => {
    const now = await e.cli(['schedule', 'run-now', 'nightly', '--json']);
    expect(now.code, now.stderr).toBe(0);
    const tick = JSON.parse(now.stdout) as { name: string; batchId: string; jobId: string };
    expect(tick.batchId).toMatch(/^nightly-\d{8}T\d{6}Z$/);
    expect(tick.jobId).toBe(`run-now-${tick.batchId}`);
    const q = createSyncQueue(e.redis, e.prefix);
    try {
      expect((await q.getJobs(['wait'])).map((j) => j.id)).toContain(tick.jobId);
      const rm = await e.cli(['schedule', 'remove', 'nightly']);
      expect(rm.code, rm.stderr).toBe(0);
      expect(rm.stdout).toBe('schedule nightly removed\n');
      expect(await q.getJobSchedulers()).toEqual([]);
      expect(await q.getJobCounts('wait', 'delayed', 'prioritized')).toEqual({ wait: 0, delayed: 0, prioritized: 0 });
    } finally {
      await q.close();
    }
    const [again, run] = await Promise.all([e.cli(['schedule', 'remove', 'nightly']), e.cli(['schedule', 'run-now', 'ghost'])]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('bulk-assign: no schedule nightly (see `bulk-assign schedule list`)\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('bulk-assign: no schedule ghost (see `bulk-assign schedule list`)\n');
  });
});
