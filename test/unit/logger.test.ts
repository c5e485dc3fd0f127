import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { REDACT_PATHS } from '../../src/log/logger.js';

describe('the logger redacts secrets wherever they hide', () => {
  it('blanks tokens and Authorization headers in objects and errors', () => {
    const lines: string[] = [];
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (s: string) => lines.push(s) });
    log.info({ config: { apiToken: 'sekrit-1' }, headers: { authorization: 'Bearer sekrit-2' } }, 'dump');
    log.info({ req: { headers: { authorization: 'Bearer sekrit-3' } } }, 'request');
    log.info({ token: 'sekrit-4', authorization: 'Bearer sekrit-5' }, 'flat');
    const all = lines.join('');
    for (const s of ['sekrit-1', 'sekrit-2', 'sekrit-3', 'sekrit-4', 'sekrit-5']) expect(all).not.toContain(s);
    expect(all).toContain('[redacted]');
  });
});
