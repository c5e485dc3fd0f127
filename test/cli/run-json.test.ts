import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logLines, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
beforeEach(async () => {
  e = await startE2E('run-json');
});
afterEach(() => e.close());

describe('run --json', () => {
  it("prints only the batch's final status JSON on stdout; logs, notes and the summary go to stderr", async () => {
    const file = e.file(
      'unknown-user-and-duplicate.csv',
      ['accountUserId,groupId', 'AUSR-1000-0000-0001,UGR-1234-5678', 'AUSR-1000-0000-9999,UGR-1234-5678', 'AUSR-1000-0000-0001,UGR-1234-5678'].join('\n') + '\n',
    );
    const res = await e.cli(['run', file, '--batch', 'json-1', '--json', '--out', `${e.dir}/out`]);
    expect(res.code, res.stderr).toBe(2);
    // One JSON object and nothing else: JSON.parse of the whole stdout fails on any extra line.
    const status = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(status).toEqual({ batchId: 'json-1', rows: 3, assigned: 1, alreadyMember: 0, failed: 1, invalid: 0, duplicate: 1, pending: 0, done: true });
    // The same object `status <batch> --json` prints.
    const later = await e.cli(['status', 'json-1', '--json']);
    expect(JSON.parse(later.stdout)).toEqual(status);
    // Off a terminal the NDJSON logs stay as they were, on stderr now, with the summary.
    expect(logLines(res.stderr).filter((l) => l.msg === 'row outcome')).toHaveLength(3);
    expect(res.stderr).toContain('Batch json-1: finished');
    expect(res.stderr).toMatch(/progress json-1: 3\/3 rows/);
  });
});
