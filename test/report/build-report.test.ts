import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchStore } from '../../src/queue/batch-store.js';
import type { FailureDetail } from '../../src/queue/outcomes.js';
import { globalKeys } from '../../src/queue/keys.js';
import { limitsInForce } from '../../src/queue/limit-history.js';
import { buildReport } from '../../src/report/index.js';
import { redisUrl, uniquePrefix } from '../helpers/test-env.js';

let redis: Redis;
let store: BatchStore;

beforeAll(() => {
  redis = new Redis(redisUrl());
  store = new BatchStore(redis, uniquePrefix('report'), 3600);
});
afterAll(() => redis.quit());

const row = (line: number, outcome: FailureDetail['outcome'], reason = '', httpStatus?: number): FailureDetail => ({
  line,
  accountUserId: `AUSR-0000-0000-${String(line).padStart(4, '0')}`,
  groupId: 'UGR-0000-0001',
  outcome,
  reason,
  httpStatus,
});

describe('buildReport', () => {
  it('is undefined for a batch Redis does not hold', async () => {
    expect(await buildReport(store, 'no-such-batch')).toBeUndefined();
  });

  it('counts every outcome, groups reasons per outcome and requests per status, and adds up to rows', async () => {
    await store.createBatch('mixed', 'fp', 'mixed.csv', 8, false);
    await store.recordOutcomesInBulk('mixed', [row(2, 'invalid', 'bad-group-id'), row(3, 'duplicate', 'duplicate'), row(4, 'already-member', 'in-place')]);
    await store.finishImport('mixed');
    await store.recordOutcomeCoalesced('mixed', row(5, 'assigned', '', 200), 'set', 200);
    await store.recordOutcomeCoalesced('mixed', row(6, 'failed', 'http-404', 404), 'set', 404);
    await store.countRequest('mixed', 503);
    await store.recordOutcomeCoalesced('mixed', row(7, 'failed', 'timeout'), 'set', 'timeout');
    const report = (await buildReport(store, 'mixed'))!;
    expect(report).toMatchObject({
      batchId: 'mixed',
      source: 'mixed.csv',
      done: false,
      rows: 8,
      assigned: 1,
      alreadyMember: 1,
      failed: 2,
      invalid: 1,
      duplicate: 1,
      pending: 2,
      failuresByReason: { 'http-404': 1, timeout: 1 },
      invalidByReason: { 'bad-group-id': 1 },
      alreadyMemberByReason: { 'in-place': 1 },
      httpStatusCounts: { '200': 1, '404': 1, '503': 1, timeout: 1 },
      requests: 4,
      finishedAt: null,
      deprecation: null,
    });
    expect(report.assigned + report.alreadyMember + report.failed + report.invalid + report.duplicate + report.pending).toBe(report.rows);
  });

  it('a finished batch has its finish time, its duration and its rate of rows that reached the API', async () => {
    await store.createBatch('done', 'fp', 'done.csv', 2, false);
    await store.finishImport('done');
    await store.recordOutcomeCoalesced('done', row(2, 'assigned', '', 200), 'set', 200);
    await store.recordOutcomeCoalesced('done', row(3, 'assigned', '', 200), 'set', 200);
    const report = (await buildReport(store, 'done'))!;
    expect(report.done).toBe(true);
    expect(report.pending).toBe(0);
    expect(report.finishedAt).not.toBeNull();
    const lifeSeconds = (Date.parse(report.finishedAt!) - Date.parse(report.createdAt)) / 1000;
    expect(report.durationSeconds).toBeCloseTo(lifeSeconds, 3);
    // Rate = rows that reached an outcome from the API over the batch's life (0 when it took no measurable time).
    expect(report.ratePerSecond).toBe(lifeSeconds > 0 ? Math.round((2 / lifeSeconds) * 100) / 100 : 0);
  });

  it('carries what the server announced about deprecation', async () => {
    await store.createBatch('dep', 'fp', 'dep.csv', 1, false);
    await store.noteDeprecation('dep', 'Deprecation: true');
    expect((await buildReport(store, 'dep'))!.deprecation).toBe('Deprecation: true');
  });

  it('lists the rate limits in force while the batch ran: the one at its start, then each change', async () => {
    const prefix = uniquePrefix('report-limits');
    const own = new BatchStore(redis, prefix, 3600);
    const history = globalKeys(prefix).rateHistory;
    const now = Date.now();
    await redis.rpush(history, JSON.stringify({ at: now - 7_200_000, limit: 90, why: 'measured' }), JSON.stringify({ at: now - 3_600_000, limit: 120, why: 'measured' }));
    await own.createBatch('limits', 'fp', 'limits.csv', 1, false);
    const created = Date.parse((await own.getBatch('limits'))!.createdAt);
    await redis.rpush(history, JSON.stringify({ at: created + 1, limit: 150, why: 'probe' }));
    while (Date.now() <= created + 1) await new Promise((r) => setTimeout(r, 1));
    expect((await buildReport(own, 'limits'))!.learntLimits).toEqual([
      { at: new Date(created).toISOString(), limit: 120, why: 'measured' },
      { at: new Date(created + 1).toISOString(), limit: 150, why: 'probe' },
    ]);
    // Without any change the configured limit held: nothing to list.
    expect((await buildReport(store, 'dep'))!.learntLimits).toEqual([]);
  });
});

describe('limitsInForce', () => {
  const h = (at: string, limit: number, why: string) => ({ at: `2026-12-05T${at}Z`, limit, why });
  it('starts with the change in force at the start, keeps those up to the end, and drops a return to the configured limit before it', () => {
    const history = [h('01:00:00.000', 100, 'measured'), h('02:00:00.000', 300, 'configured'), h('03:00:00.000', 80, 'measured'), h('03:30:00.000', 100, 'probe'), h('05:00:00.000', 60, 'measured')];
    expect(limitsInForce(history, '2026-12-05T03:10:00.000Z', '2026-12-05T04:00:00.000Z')).toEqual([h('03:10:00.000', 80, 'measured'), h('03:30:00.000', 100, 'probe')]);
    expect(limitsInForce(history, '2026-12-05T02:10:00.000Z', '2026-12-05T02:20:00.000Z')).toEqual([]);
    expect(limitsInForce([], '2026-12-05T02:10:00.000Z', '2026-12-05T02:20:00.000Z')).toEqual([]);
  });
});
