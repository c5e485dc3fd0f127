import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
beforeEach(async () => {
  e = await startE2E('watch');
});
afterEach(() => e.close());

const exitOf = async (p: ReturnType<typeof spawnCli>) => (await stopped(p))[0];

describe('status --watch --exit-status', () => {
  it('exits 0 when the batch it watched finishes with every row assigned', async () => {
    const imp = await e.cli(['import', e.file('clean.csv', csvRows(20)), '--batch', 'watch-clean']);
    expect(imp.code, imp.stderr).toBe(0);
    const watch = spawnCli(['status', 'watch-clean', '--watch', '--exit-status'], e.env());
    const out = collect(watch);
    // The watch is open (and has drawn its first line, naming the batch) before any row is worked.
    await waitFor('the first progress line', () => out.stderr().includes('progress watch-clean: 0/20 rows'));
    const worker = spawnCli(['worker'], e.env());
    expect(await exitOf(watch), out.stderr()).toBe(0);
    worker.kill('SIGTERM');
    expect(await exitOf(worker)).toBe(0);
    expect(out.stdout()).toContain('watch-clean finished: 20 rows, assigned 20');
    expect(out.stderr()).toMatch(/progress watch-clean: 20\/20 rows, [\d.]+\/s, failures 0, ETA 0s/);
  });

  it('exits 2 for a batch that finished with failures, and counts no speed for rows finished before it watched', async () => {
    const file = e.file('one-unknown-user.csv', ['accountUserId,groupId', 'AUSR-1000-0000-0001,UGR-1234-5678', 'AUSR-1000-0000-9999,UGR-1234-5678'].join('\n') + '\n');
    const run = await e.cli(['run', file, '--batch', 'watch-failed']);
    expect(run.code, run.stderr).toBe(2);
    const res = await e.cli(['status', 'watch-failed', '--watch', '--exit-status']);
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain('progress watch-failed: 2/2 rows, 0/s, failures 1');
    // Without --exit-status the same watch exits 0, as before.
    expect((await e.cli(['status', 'watch-failed', '--watch'])).code).toBe(0);
  });

  it('exits 130 when Ctrl-C leaves the watch before the batch finished', async () => {
    const imp = await e.cli(['import', e.file('nobody-works.csv', csvRows(3)), '--batch', 'watch-left']);
    expect(imp.code, imp.stderr).toBe(0);
    const watch = spawnCli(['status', 'watch-left', '--watch', '--exit-status'], e.env());
    const out = collect(watch);
    await waitFor('the first progress line', () => out.stderr().includes('progress watch-left: 0/3 rows'));
    watch.kill('SIGINT');
    expect(await exitOf(watch), out.stderr()).toBe(130);
  });
});
