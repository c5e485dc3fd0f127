import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../helpers/e2e.js';
import { runInTty } from './tty.js';

let e: E2E;
beforeEach(async () => {
  e = await startE2E('tty');
});
afterEach(() => e.close());

describe('run on a terminal', () => {
  it('prints a failed row as one line above the bar, and nothing after the summary', async () => {
    const file = e.file(
      'one-unknown-user.csv',
      ['accountUserId,groupId', 'AUSR-1000-0000-0001,UGR-1234-5678', 'AUSR-1000-0000-9999,UGR-1234-5678', 'AUSR-1000-0000-0002,UGR-1234-5678'].join('\n') + '\n',
    );
    const res = await runInTty(['run', file, '--batch', 'tty-1', '--out', `${e.dir}/out`], e.env());
    expect(res.code, res.raw).toBe(2);
    // The row's warning is one line with what a person needs; pino-pretty's block (msg, then one field a line) is gone.
    const failed = res.lines.filter((l) => l.includes('AUSR-1000-0000-9999'));
    expect(failed, res.raw).toHaveLength(1);
    expect(failed[0]).toMatch(/^line 3 failed http-404 \(AUSR-1000-0000-9999 → UGR-1234-5678\): \S/);
    expect(res.raw).not.toContain('row outcome');
    expect(res.raw).not.toMatch(/batchId: "/);
    // The bar names the batch.
    expect(res.lines.some((l) => /^tty-1 .* 3\/3 rows \| [\d.]+\/s \| ETA \S+ \| failures 1$/.test(l)), res.raw).toBe(true);
    // The summary is the last thing on the screen: its header, then only its own indented lines.
    const start = res.lines.findIndex((l) => l.startsWith('Batch tty-1: finished'));
    expect(start, res.raw).toBeGreaterThan(0);
    const after = res.lines.slice(start + 1);
    expect(after.every((l) => l.startsWith('  ')), res.raw).toBe(true);
    expect(after.at(-1)).toMatch(/^ {2}failures: .*failures\.csv$/);
    expect(res.raw).not.toContain(e.token);
  });
});
