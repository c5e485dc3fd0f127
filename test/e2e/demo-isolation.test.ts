import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoPrefix } from '../../src/cli/demo.js';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { logLines, startE2E, type E2E } from '../helpers/e2e.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/assignments.csv', import.meta.url));

let e: E2E;
beforeEach(async () => {
  e = await startE2E('demo');
});
afterEach(() => e.close());

describe('run --sim (the demo)', () => {
  it('derives a prefix of its own from the configured one, keeping the hash tag', () => {
    expect(demoPrefix('{bulk-assign}', 'ab12')).toBe('{bulk-assign-demo-ab12}');
    expect(demoPrefix('acme', 'ab12')).toBe('acme-demo-ab12');
    expect(demoPrefix('{bulk-assign}')).not.toBe(demoPrefix('{bulk-assign}'));
  });

  it('beside a real worker on the same Redis and prefix: the demo finishes, the worker never takes a demo row, no demo key is left', async () => {
    // A "real" worker: the configured prefix, a real-looking API (the test's simulator) and its token.
    const worker = spawnCli(['worker'], e.env());
    const workerOut = collect(worker);
    await waitFor('the worker to start', () => logLines(workerOut.stdout()).some((l) => l.msg === 'worker started'));

    const demo = await e.cli(['run', EXAMPLE, '--sim', '--rate', '200'], { LOG_LEVEL: 'warn' }, 90_000);
    expect(demo.stderr).toMatch(/Using the built-in S1 simulator/);
    expect([0, 2]).toContain(demo.code);
    expect(demo.stdout).toMatch(/Batch .*: finished/);

    worker.kill('SIGTERM');
    await stopped(worker);
    expect(e.sim.stats().posts).toBe(0);
    expect(e.sim.stats().requests).toBe(e.sim.stats().byStatus['200'] ?? 0); // only the worker's own preflight read
    const tag = e.prefix.slice(1, -1);
    expect(await e.redis.keys(`{${tag}-demo-*`)).toEqual([]);
    expect(await e.redis.keys(`${e.prefix}:batch:*`)).toEqual([]);
  });
});
