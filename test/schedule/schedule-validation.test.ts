import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { BATCH_ID_PATTERN } from '../../src/queue/batch-id.js';
import { describeSource, nextCronRun, PairMemory, pairHash, resolveSchedule, tickBatchId, tickTime, utcStamp, validateScheduleName, validateTimeZone } from '../../src/schedule/index.js';

const base = { name: 'nightly', cron: '0 2 * * *', source: '/data/in.csv' };

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const message = (err as AppError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a refusal');
}

describe('schedule validation (before anything reaches Redis)', () => {
  it('accepts a nightly cron in a zone and computes its next run in that zone', () => {
    const r = resolveSchedule({ ...base, tz: 'Europe/Berlin' });
    expect(r).toMatchObject({ cron: '0 2 * * *', tz: 'Europe/Berlin', definition: { v: 1, name: 'nightly', source: '/data/in.csv', mode: 'full', skipExisting: false, looseIds: false } });
    // 02:00 in Berlin in late November is 01:00 UTC.
    expect(nextCronRun('0 2 * * *', 'Europe/Berlin', new Date('2026-11-27T12:00:00Z')).toISOString()).toBe('2026-11-28T01:00:00.000Z');
    expect(nextCronRun('* * * * * *', 'UTC', new Date('2026-11-27T12:00:00.300Z')).toISOString()).toBe('2026-11-27T12:00:01.000Z');
  });

  it('defaults the zone to UTC and spells zones canonically', () => {
    expect(resolveSchedule(base).tz).toBe('UTC');
    expect(validateTimeZone('europe/berlin')).toBe('Europe/Berlin');
  });

  it('refuses an invalid cron with one line naming --cron', () => {
    expect(refused(() => resolveSchedule({ ...base, cron: '61 * * * *' }))).toMatch(/^invalid --cron "61 \* \* \* \*": .*59/);
    expect(refused(() => resolveSchedule({ ...base, cron: 'every night' }))).toMatch(/^invalid --cron/);
    // cron-parser would quietly pad a 4-field pattern into something else.
    expect(refused(() => resolveSchedule({ ...base, cron: '0 2 * *' }))).toMatch(/^invalid --cron "0 2 \* \*": expected 5 fields/);
    expect(refused(() => resolveSchedule({ ...base, cron: '0 0 31 2 *' }))).toMatch(/^invalid --cron/);
  });

  it('refuses an unknown time zone with one line naming --tz', () => {
    expect(refused(() => resolveSchedule({ ...base, tz: 'Mars/Olympus_Mons' }))).toBe('invalid --tz "Mars/Olympus_Mons": not an IANA time zone; use a name like Europe/Berlin, America/New_York or UTC');
    expect(refused(() => resolveSchedule({ ...base, tz: '' }))).toMatch(/^invalid --tz ""/);
  });

  it('refuses names that cannot become batch ids, and every accepted name makes valid batch ids', () => {
    for (const bad of ['', 'a:b', '-x', 'a b', 'a/b', 'x..y', 'n'.repeat(64), 'ä']) expect(refused(() => validateScheduleName(bad))).toMatch(/^invalid schedule name/);
    for (const good of ['nightly', 'A.b_c-9', 'n'.repeat(63)]) {
      expect(validateScheduleName(good)).toBe(good);
      const id = tickBatchId(good, Date.UTC(2026, 10, 27, 2, 0, 0));
      expect(id).toMatch(BATCH_ID_PATTERN);
      expect(id).not.toContain(':');
    }
  });

  it('refuses a bad mode, credentials in a URL, secret headers over plain http, and --header-env for files', () => {
    expect(refused(() => resolveSchedule({ ...base, mode: 'delta' }))).toBe('invalid --mode "delta": use full or changes');
    expect(refused(() => resolveSchedule({ ...base, source: 'https://u:p@example.com/x.csv' }))).toMatch(/credentials in the URL/);
    expect(refused(() => resolveSchedule({ ...base, source: 'http://example.com/x.csv', headerEnv: 'SYNC_AUTH' }))).toMatch(/plain http/);
    expect(refused(() => resolveSchedule({ ...base, headerEnv: 'SYNC_AUTH' }))).toMatch(/http\(s\) sources only/);
    expect(refused(() => resolveSchedule({ ...base, source: 'https://example.com/x.csv', headerEnv: 'Bearer abc' }))).toMatch(/name of an environment variable/);
    const ok = resolveSchedule({ ...base, source: 'https://example.com/x.csv?k=1', headerEnv: 'SYNC_AUTH', mode: 'changes', skipExisting: true });
    expect(ok.definition).toMatchObject({ source: 'https://example.com/x.csv?k=1', headerEnv: 'SYNC_AUTH', mode: 'changes', skipExisting: true });
  });

  it('makes relative paths absolute and notes a path that does not exist here', () => {
    const r = resolveSchedule({ ...base, source: 'drop/in.csv' }, '/srv/sync');
    expect(r.definition.source).toBe('/srv/sync/drop/in.csv');
    expect(r.notes.join()).toMatch(/does not exist/);
  });

  it('shows URLs without query or credentials in logs and batch records', () => {
    expect(describeSource('https://example.com/export.csv?sig=SECRET')).toBe('https://example.com/export.csv?…');
    expect(describeSource('/data/in.csv')).toBe('/data/in.csv');
  });
});

describe('tick identity', () => {
  it('names the batch after the tick time in UTC', () => {
    expect(utcStamp(Date.UTC(2026, 10, 27, 2, 0, 0))).toBe('20261127T020000Z');
    expect(tickBatchId('nightly', Date.UTC(2026, 10, 27, 2, 0, 0))).toBe('nightly-20261127T020000Z');
  });

  it('takes the tick time from the scheduler job id, or from run-now data', () => {
    expect(tickTime('repeat:nightly:1795744800000', {}, 5)).toBe(1795744800000);
    expect(tickTime('run-now-nightly-x', { at: 1795744801000 }, 5)).toBe(1795744801000);
    expect(tickTime(undefined, {}, 5)).toBe(5);
  });
});

describe('pair memory', () => {
  it('holds 8 bytes per pair, survives a round trip and answers membership', () => {
    const pairs = Array.from({ length: 1000 }, (_, i) => [`AUSR-1000-0000-${String(i).padStart(4, '0')}`, 'UGR-1234-5678'] as const);
    const hashes = new BigUint64Array(pairs.length + 1);
    pairs.forEach(([u, g], i) => (hashes[i] = pairHash(u, g)));
    hashes[pairs.length] = pairHash(pairs[0]![0], pairs[0]![1]); // a repeat is stored once
    const memory = PairMemory.fromHashes(hashes);
    expect(memory.size).toBe(1000);
    const buf = memory.toBuffer();
    expect(buf.length).toBe(8000);
    const back = PairMemory.fromBuffer(buf);
    for (const [u, g] of pairs) expect(back.has(u, g)).toBe(true);
    expect(back.has('AUSR-1000-0000-9999', 'UGR-1234-5678')).toBe(false);
    expect(back.has('AUSR-1000-0000-0001', 'UGR-1234-5679')).toBe(false);
    expect(PairMemory.fromBuffer(null).has('a', 'b')).toBe(false);
  });
});
