import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { logRowOutcome } from '../../src/log/row-outcome.js';

/** The process's own logger, writing to an in-memory sink: what a test reads is what `worker` prints. */
function capture(level = 'info') {
  const lines: string[] = [];
  const log = createLogger({ level, destination: { write: (s: string) => lines.push(s) } });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, parsed };
}

describe('createLogger', () => {
  it('blanks tokens and Authorization headers in objects and errors', () => {
    const { log, lines } = capture();
    log.info({ config: { apiToken: 'sekrit-1' }, headers: { authorization: 'Bearer sekrit-2' } }, 'dump');
    log.info({ req: { headers: { authorization: 'Bearer sekrit-3' } } }, 'request');
    log.info({ token: 'sekrit-4', authorization: 'Bearer sekrit-5' }, 'flat');
    const all = lines.join('');
    for (const s of ['sekrit-1', 'sekrit-2', 'sekrit-3', 'sekrit-4', 'sekrit-5']) expect(all).not.toContain(s);
    expect(all).toContain('[redacted]');
  });

  it('writes one NDJSON line per call with pid, level and msg, and children carry their bindings', () => {
    const { log, parsed } = capture();
    log.child({ batchId: 'b1' }).info({ line: 7 }, 'hello');
    const [line] = parsed();
    expect(line).toMatchObject({ pid: process.pid, level: 30, msg: 'hello', batchId: 'b1', line: 7 });
  });

  it('drops lines below its level', () => {
    const { log, lines } = capture('warn');
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('loud');
  });

  it('puts errors under err with their message and stack', () => {
    const { log, parsed } = capture();
    log.error({ err: new Error('boom') }, 'failed');
    const err = parsed()[0]!.err as { message: string; stack: string };
    expect(err.message).toBe('boom');
    expect(err.stack).toContain('Error: boom');
  });
});

describe('logRowOutcome', () => {
  const row = { batchId: 'b1', jobId: 'b1-2', line: 2, accountUserId: 'AUSR-0000-0000-0001', groupId: 'UGR-0000-0001' };

  it('logs a failed row at warn and a success at info, each as "row outcome" with the same fields', () => {
    const { log, parsed } = capture();
    logRowOutcome(log, { ...row, outcome: 'failed', reason: 'http-404', httpStatus: 404, attempts: 1 });
    logRowOutcome(log, { ...row, outcome: 'assigned', reason: '', httpStatus: 200, attempts: 1 });
    const [failed, assigned] = parsed();
    expect(failed).toMatchObject({ level: 40, msg: 'row outcome', ...row, outcome: 'failed', reason: 'http-404', httpStatus: 404 });
    expect(assigned).toMatchObject({ level: 30, msg: 'row outcome', ...row, outcome: 'assigned', httpStatus: 200 });
    // An empty reason is left out rather than written as "".
    expect(assigned).not.toHaveProperty('reason');
  });

  it('writes nothing for a success when the level is warn', () => {
    const { log, lines } = capture('warn');
    logRowOutcome(log, { ...row, outcome: 'assigned' });
    expect(lines).toHaveLength(0);
  });
});
