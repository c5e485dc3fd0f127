import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { globalKeys } from '../../src/queue/keys.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, importAndWork, logLines, startE2E, type E2E } from '../helpers/e2e.js';

// Issue 16 over real sockets: a simulator that answers bare 429 + Retry-After (no RateLimit headers), worker
// processes configured well above what it allows. What is asserted is what the limiter learnt and said, never how
// long anything took.

let e: E2E;
afterEach(() => e.close());

interface Change {
  at: number;
  limit: number;
  why: string;
}
const history = async (e: E2E): Promise<Change[]> => (await e.redis.lrange(globalKeys(e.prefix).rateHistory, 0, -1)).map((x) => JSON.parse(x) as Change);
/** Numbers in ascending order: log lines of two workers interleave in any order. */
const sorted = (xs: unknown[]) => xs.map(Number).sort((a, b) => a - b);
const limitLines = (logs: Array<Record<string, unknown>>) => logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('rate limit now'));

async function stop(procs: ChildProcess[]): Promise<void> {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map(stopped));
}

describe('learning an unknown limit from bare 429s', () => {
  it('takes the server limit from the first burst of 429s, not by shrinking step by step; says each change once', async () => {
    const L = 40;
    e = await startE2E('learn-bare', { rate: L, retryAfter: 'seconds', rateLimitHeaders: false });
    const { batch, codes, logs } = await importAndWork(e, csvRows(240), 'bare', 2, { S1_RATE_LIMIT: '160', S1_CONCURRENCY: '32' });
    expect(codes).toEqual([0, 0]);
    expect(batch).toMatchObject({ rows: 240, assigned: 240, failed: 0, pending: 0 });
    expect(e.sim.stats().byStatus['429']).toBeGreaterThan(0);

    const changes = await history(e);
    // The first change told is the first burst's measurement (a burst is told once, after its pause), and it is the
    // server's limit already. Shrinking by a quarter per window (the old rule) would have told 120/s first and needed
    // five windows to get under 1.1 x 40. The lower bound is loose: on a machine loaded far past its cores the
    // simulator's arrivals bunch up against the workers' sends and the measurement reads low (16/s and 24/s seen
    // with load averages around 12 on 2 cores).
    expect(changes.length).toBeGreaterThan(0);
    expect(changes[0]!.why).toBe('measured');
    expect(changes[0]!.limit).toBeGreaterThanOrEqual(0.3 * L);
    expect(changes[0]!.limit).toBeLessThanOrEqual(1.1 * L);
    expect(Math.min(...changes.map((c) => c.limit))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...changes.map((c) => c.limit))).toBeLessThanOrEqual(160);

    // One info line per change, across both workers, and the report lists what was in force.
    expect(sorted(limitLines(logs).map((l) => l.limit))).toEqual(sorted(changes.map((c) => c.limit)));
    // The logs are one worker's lines then the other's, so the measurement is found by what it says, not by place:
    // whichever worker made it told it, at info, with the configured limit beside it.
    for (const line of limitLines(logs)) expect(line).toMatchObject({ level: 30, configured: 160 });
    expect(limitLines(logs)).toContainEqual(expect.objectContaining({ why: 'measured', limit: changes[0]!.limit }));
    const report = JSON.parse(readFileSync(join(e.dir, 'reports', 'bare', 'report.json'), 'utf8')) as { learntLimits: Array<{ limit: number; why: string }> };
    expect(report.learntLimits.map((c) => c.limit)).toEqual(changes.map((c) => c.limit));
  });

  it('recovers after a dip: back to the level before it once the server allows it again', async () => {
    e = await startE2E('learn-dip', { rate: 60, retryAfter: 'seconds', rateLimitHeaders: false });
    const learnt = globalKeys(e.prefix).rateLearnt;
    const state = () => e.redis.hgetall(learnt);
    expect((await e.cli(['import', e.file('dip.csv', csvRows(6000)), '--batch', 'dip'])).code).toBe(0);
    const env = e.env({ S1_RATE_LIMIT: '150', S1_CONCURRENCY: '32' });
    const procs = [spawnCli(['worker'], env), spawnCli(['worker'], env)];
    const outputs = procs.map((p) => collect(p));
    try {
      // Measured and told: the first burst is over (it is told at the first grant after its pause), so the dip below
      // is a burst of its own and cannot refine the level before it.
      const before = await waitFor('a limit measured at the server limit', async () => {
        const s = await state();
        return s.ceiling !== undefined && s.told !== undefined && Number(s.limit) <= 66 ? Number(s.ceiling) : undefined;
      }, 60_000, 50);
      // S1 gets busy: it allows a third of what it did. (Thresholds are relative to what was measured: a machine
      // loaded far past its cores measures low, see the first test.)
      const low = Math.floor(before / 2);
      e.sim.setOptions({ rate: Math.max(5, Math.floor(before / 3)) });
      await waitFor('the dip measured', async () => Number((await state()).limit) <= low || undefined, 60_000, 50);
      expect(Number((await state()).ceiling)).toBe(before);
      // And idle again: a probe back to the level before the dip holds, with no step-by-step climb.
      e.sim.setOptions({ rate: 60 });
      await waitFor('the limit back at its level before the dip', async () => Number((await state()).limit) === before || undefined, 90_000, 50);
      const changes = await history(e);
      const dip = changes.findIndex((c) => c.limit <= low);
      const back = changes.findIndex((c, i) => i > dip && c.limit === before);
      expect(changes[back]).toMatchObject({ why: 'probe', limit: before });
      // Nothing in between climbed step by step: every change from the dip to the recovery was a measurement of
      // the dip or a probe straight to the level before it.
      expect(changes.slice(dip, back + 1).every((c) => c.limit <= low || c.limit === before)).toBe(true);
    } finally {
      await stop(procs);
    }
    const lines = limitLines(outputs.flatMap((o) => logLines(o.stdout())));
    expect(sorted(lines.map((l) => l.limit))).toEqual(sorted((await history(e)).map((c) => c.limit)));
  }, 240_000);
});
