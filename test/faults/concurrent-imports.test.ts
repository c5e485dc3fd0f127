import { afterEach, describe, expect, it } from 'vitest';
import { csvManyRows, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const ROWS = 50_000;


describe('two imports of the same file into the same batch at once (15.6)', () => {
  it('the second waits for the first, then adds nothing: what they print as enqueued adds up to the jobs that exist', { timeout: 120_000 }, async () => {
    e = await startE2E('f-twice');
    const file = e.file('twice.csv', csvManyRows(ROWS));
    const [a, b] = await Promise.all([e.cli(['import', file, '--batch', 'twice', '--json']), e.cli(['import', file, '--batch', 'twice', '--json'])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const enqueued = [a, b].map((r) => (JSON.parse(r.stdout) as { enqueued: number }).enqueued);
    expect(enqueued[0]! + enqueued[1]!).toBe(ROWS);
    // No worker runs: every job the imports made is still waiting, each row once.
    expect(await e.redis.llen(`${e.prefix}:assign:wait`)).toBe(ROWS);
    expect(await e.store.getBatch('twice')).toMatchObject({ rows: ROWS, pending: ROWS, state: 'running' });
  });
});
