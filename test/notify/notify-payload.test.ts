import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { batchFinishedEvent, scheduleFailedEvent, scrubEvent, signBody, type BatchFinishedInput } from '../../src/notify/index.js';
import { readmeVerifier } from './readme-verifier.js';

const batch = (over: Partial<BatchFinishedInput> = {}): BatchFinishedInput => ({
  batchId: 'nightly-20261127T020000Z',
  source: '/data/users.csv',
  rows: 1000,
  assigned: 950,
  alreadyMember: 40,
  failed: 8,
  invalid: 2,
  duplicate: 0,
  pending: 0,
  durationSeconds: 125.4,
  reportPath: '/srv/reports/nightly-20261127T020000Z/report.json',
  ...over,
});
const NOW = new Date('2026-11-27T02:03:00.000Z');

describe('batch.finished', () => {
  it('carries every documented field, nothing more, and a one-line text naming the batch', () => {
    const e = batchFinishedEvent(batch(), NOW);
    expect(Object.keys(e).sort()).toEqual(
      ['event', 'id', 'occurredAt', 'text', 'batchId', 'source', 'state', 'rows', 'assigned', 'alreadyMember', 'failed', 'invalid', 'duplicate', 'pending', 'durationSeconds', 'reportPath'].sort(),
    );
    expect(e).toMatchObject({ event: 'batch.finished', id: 'batch.finished-nightly-20261127T020000Z', occurredAt: NOW.toISOString(), state: 'completed-with-failures', rows: 1000, assigned: 950, failed: 8 });
    expect(e.text).toBe(
      'bulk-assign: batch nightly-20261127T020000Z finished with failures: 1000 rows, 950 assigned, 40 already members, 8 failed, 2 invalid, 0 duplicate, in 2m 5s (source /data/users.csv). Report: /srv/reports/nightly-20261127T020000Z/report.json',
    );
  });

  it('names the end state receivers route on', () => {
    expect(batchFinishedEvent(batch({ failed: 0, invalid: 0, duplicate: 3 })).state).toBe('succeeded');
    expect(batchFinishedEvent(batch({ failed: 0, invalid: 0 })).text).toMatch(/^bulk-assign: batch nightly-20261127T020000Z finished: /);
    expect(batchFinishedEvent(batch({ assigned: 0, alreadyMember: 0, failed: 998 })).state).toBe('failed');
    expect(batchFinishedEvent(batch({ assigned: 0, alreadyMember: 0, failed: 998 })).text).toContain(' failed: 1000 rows');
  });

  it('keeps the text on one line whatever the source name holds, and shows pending rows only when there are some', () => {
    const e = batchFinishedEvent(batch({ source: 'evil\nname\r\t.csv', pending: 3 }));
    expect(e.text).not.toMatch(/[\r\n\t]/);
    expect(e.text).toContain('(source evil name .csv)');
    expect(e.text).toContain('3 pending');
    expect(batchFinishedEvent(batch()).text).not.toContain('pending');
  });
});

describe('schedule.failed', () => {
  it('names the schedule, the tick and the reason, one event id per tick', () => {
    const tick = Date.parse('2026-11-27T02:00:00Z');
    const e = scheduleFailedEvent({ schedule: 'nightly', error: 'source /data/in is broken:\nunclosed quote', tickAt: tick, batchId: 'nightly-20261127T020000Z' }, NOW);
    expect(e).toEqual({
      event: 'schedule.failed',
      id: `schedule.failed-nightly-${tick}`,
      occurredAt: NOW.toISOString(),
      text: 'bulk-assign: schedule nightly failed its 2026-11-27T02:00:00.000Z tick: source /data/in is broken: unclosed quote',
      schedule: 'nightly',
      error: 'source /data/in is broken: unclosed quote',
      tickAt: '2026-11-27T02:00:00.000Z',
      batchId: 'nightly-20261127T020000Z',
    });
    expect(scheduleFailedEvent({ schedule: 'nightly', error: 'x', tickAt: tick + 86_400_000 }).id).not.toBe(e.id);
  });

  it('loses a secret quoted in the reason before it is queued', () => {
    const e = scrubEvent(scheduleFailedEvent({ schedule: 'n', error: 'HTTP 401 for token tok_abc', tickAt: 0 }), ['tok_abc', undefined]);
    expect(JSON.stringify(e)).not.toContain('tok_abc');
    expect(e.error).toBe('HTTP 401 for token [redacted]');
  });
});

describe('the signature', () => {
  const secret = 'a-long-random-shared-secret';
  const body = Buffer.from(JSON.stringify(batchFinishedEvent(batch())));

  it('is sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>', () => {
    expect(signBody(body, secret)).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  });

  it("verifies with the README's example, and fails for another secret, a changed body or no header", async () => {
    const { verify, source } = await readmeVerifier();
    expect(source.trim().split('\n').length).toBeLessThanOrEqual(6);
    expect(verify(body, signBody(body, secret), secret)).toBe(true);
    expect(verify(body.toString('utf8'), signBody(body, secret), secret)).toBe(true);
    expect(verify(body, signBody(body, secret), 'another-secret')).toBe(false);
    expect(verify(Buffer.concat([body, Buffer.from(' ')]), signBody(body, secret), secret)).toBe(false);
    expect(verify(body, undefined, secret)).toBe(false);
  });
});
