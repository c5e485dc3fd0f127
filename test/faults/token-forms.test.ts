import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { faultRows } from './harness/exact-counts.js';
import { runFaultBatch } from './harness/fault-batch.js';

let e: E2E;
afterEach(() => e.close());

describe('the forms an API token arrives in (issue 15.3, 15.6)', () => {
  it.each([
    ['a trailing LF (a mounted secret)', '\n'],
    ['a trailing CRLF', '\r\n'],
  ])('with %s the token is trimmed and the batch runs', { timeout: 60_000 }, async (_, tail) => {
    e = await startE2E('f-tok-ok');
    const rows = faultRows(10);
    const { batch, codes } = await runFaultBatch(e, rows, 'f-tok-ok', { env: { S1_API_TOKEN: e.token + tail } });
    expect(codes).toEqual([0]);
    expect(batch).toMatchObject({ assigned: 10 });
    expect(e.sim.stats().authFailures).toBe(0);
  });

  it.each([
    ['\\x01 inside', (t: string) => `${t.slice(0, 8)}\u0001${t.slice(8)}`, /contains a control character/],
    ['DEL at the end', (t: string) => `${t}\u007f`, /contains a control character/],
    ['20 KB', (t: string) => t.repeat(Math.ceil(20_480 / t.length)), /bytes long, more than the 4096/],
  ])('with %s the worker refuses to start: one line naming S1_API_TOKEN, exit 1, no request', async (_, form, problem) => {
    e = await startE2E('f-tok-bad');
    const bad = form(e.token);
    const res = await e.cli(['worker'], { S1_API_TOKEN: bad });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^bulk-assign: invalid S1_API_TOKEN: [^\n]*\n$/);
    expect(res.stderr).toMatch(problem);
    expect(res.stderr + res.stdout).not.toContain(e.token.slice(4, 20));
    expect(e.sim.stats().posts).toBe(0);
  });
});
