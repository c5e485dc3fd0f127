import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { terminalLine, terminalLogStream } from '../../src/cli/terminal-log.js';

describe('log records on a terminal', () => {
  it('turns a failed row outcome into one line naming line, reason, ids and message', () => {
    const line = terminalLine({
      level: 40,
      time: 1,
      pid: 7,
      msg: 'row outcome',
      batchId: 'b-1',
      jobId: 'b-1-4',
      line: 4,
      accountUserId: 'AUSR-1000-0000-9999',
      groupId: 'UGR-1234-5678',
      outcome: 'failed',
      reason: 'http-404',
      httpStatus: 404,
      message: 'Account user\nnot found',
    });
    expect(line).toBe('line 4 failed http-404 (AUSR-1000-0000-9999 → UGR-1234-5678): Account user not found');
  });

  it('writes each record of a real pino logger as exactly one line, whatever its message or error holds', () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, terminalLogStream((l) => lines.push(l)));
    const err = new Error('connect ECONNREFUSED\n  at somewhere');
    log.warn({ err, url: 'http://127.0.0.1:1' }, 'cannot reach S1');
    log.error('two\nlines \u001b[31mred\u001b[0m');
    log.info('not shown at warn');
    expect(lines).toHaveLength(2);
    for (const l of lines) for (const c of ['\n', '\r', '\u001b']) expect(l).not.toContain(c);
    expect(lines[0]).toBe('warning: cannot reach S1 (connect ECONNREFUSED at somewhere) url=http://127.0.0.1:1');
    expect(lines[1]).toBe('error: two lines red');
  });
});
