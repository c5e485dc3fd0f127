import { Redis, type Command } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchStore } from '../../src/queue/batch-store.js';
import { OUTCOME_SCRIPT_KEYS } from '../../src/queue/keys.js';
import type { FailureDetail } from '../../src/queue/outcomes.js';
import { redisUrl, uniquePrefix } from '../helpers/test-env.js';

let redis: Redis;
let store: BatchStore;
const prefix = uniquePrefix('acct');

beforeAll(() => {
  redis = new Redis(redisUrl());
  store = new BatchStore(redis, prefix, 3600);
});
afterAll(() => redis.quit());

/**
 * Watches the outcome script calls the store's connection sends (the commands still go to Redis). Each call is one
 * EVALSHA with the outcome scripts' five keys; the EVAL that follows it on a server without the script is not counted.
 */
function watchOutcomeCalls() {
  const spy = vi.spyOn(redis, 'sendCommand');
  return {
    count: () => spy.mock.calls.filter(([c]) => (c as Command).name === 'evalsha' && Number((c as Command).args[1]) === OUTCOME_SCRIPT_KEYS.length).length,
    stop: () => spy.mockRestore(),
  };
}

const row = (line: number, outcome: FailureDetail['outcome'], reason = ''): FailureDetail => ({ line, accountUserId: `AUSR-0000-0000-${String(line).padStart(4, '0')}`, groupId: 'UGR-0000-0001', outcome, reason });

async function newBatch(id: string, rows: number) {
  await store.createBatch(id, 'fp', 'src.csv', rows, false);
  await store.finishImport(id);
}

describe('outcome accounting is exactly-once', () => {
  it('counts a row once when the same outcome is recorded twice (a job that ran twice)', async () => {
    await newBatch('twice', 3);
    expect((await store.recordOutcomeCoalesced('twice', row(2, 'assigned'))).changed).toBe(true);
    expect((await store.recordOutcomeCoalesced('twice', row(2, 'assigned'))).changed).toBe(false);
    const b = await store.getBatch('twice');
    expect(b).toMatchObject({ rows: 3, assigned: 1, pending: 2, done: false });
  });

  it('moves counters when the outcome changes, and never turns a success into a failure', async () => {
    await newBatch('change', 2);
    await store.recordOutcomeCoalesced('change', row(2, 'failed', 'http-503'));
    let b = await store.getBatch('change');
    expect(b).toMatchObject({ failed: 1, assigned: 0 });
    await store.recordOutcomeCoalesced('change', row(2, 'assigned'));
    b = await store.getBatch('change');
    expect(b).toMatchObject({ failed: 0, assigned: 1 });
    // The failure's reason count moved away with it; an assignment has no reason to count.
    expect(await store.reasonCounts('change')).toEqual({});
    // A re-run after the assignment held gets a 5xx: the row stays assigned.
    expect((await store.recordOutcomeCoalesced('change', row(2, 'failed', 'http-503'))).changed).toBe(false);
    expect(await store.getBatch('change')).toMatchObject({ failed: 0, assigned: 1 });
    const failures = [];
    for await (const f of store.failures('change')) failures.push(f);
    expect(failures).toEqual([]);
  });

  it('moves the reason count when a failure changes reason', async () => {
    await newBatch('reason', 1);
    await store.recordOutcomeCoalesced('reason', row(2, 'failed', 'timeout'));
    await store.recordOutcomeCoalesced('reason', row(2, 'failed', 'http-404'));
    expect(await store.reasonCounts('reason')).toEqual({ 'failed|http-404': 1 });
    expect(await store.getBatch('reason')).toMatchObject({ failed: 1, pending: 0 });
  });

  it("'if-absent' never overwrites a recorded outcome (the failed-event fallback)", async () => {
    await newBatch('absent', 1);
    await store.recordOutcomeCoalesced('absent', row(2, 'assigned'));
    expect((await store.recordOutcomeCoalesced('absent', row(2, 'failed', 'stalled'), 'if-absent')).changed).toBe(false);
    expect(await store.getBatch('absent')).toMatchObject({ assigned: 1, failed: 0 });
  });

  it('reports done exactly once, when the last row gets its outcome', async () => {
    await newBatch('done', 3);
    const results = [];
    results.push(await store.recordOutcomeCoalesced('done', row(2, 'assigned')));
    results.push(await store.recordOutcomeCoalesced('done', row(3, 'invalid', 'bad-group-id')));
    results.push(await store.recordOutcomeCoalesced('done', row(4, 'failed', 'http-404')));
    results.push(await store.recordOutcomeCoalesced('done', row(4, 'failed', 'http-404')));
    expect(results.map((r) => r.done)).toEqual([false, false, true, false]);
    const b = await store.getBatch('done');
    expect(b).toMatchObject({ done: true, state: 'finished', pending: 0 });
    expect(b!.assigned + b!.failed + b!.invalid + b!.duplicate).toBe(b!.rows);
  });

  it('records the outcomes of one event-loop turn in one script call, each caller getting its own row\'s result', async () => {
    await newBatch('turn', 3);
    await newBatch('turn-other', 1);
    const calls = watchOutcomeCalls();
    try {
      const results = await Promise.all([
        store.recordOutcomeCoalesced('turn', row(2, 'assigned')),
        store.recordOutcomeCoalesced('turn', row(2, 'assigned')), // the same row twice in one call still counts once
        store.recordOutcomeCoalesced('turn-other', row(2, 'assigned')), // another batch: its own call
        store.recordOutcomeCoalesced('turn', row(3, 'failed', 'http-404')),
        store.recordOutcomeCoalesced('turn', row(4, 'invalid', 'bad-group-id')),
      ]);
      expect(calls.count()).toBe(2);
      expect(results.map((r) => r.changed)).toEqual([true, false, true, true, true]);
      // Exactly one caller per batch is told that its batch is done.
      expect(results.map((r) => r.done)).toEqual([false, false, true, false, true]);
    } finally {
      calls.stop();
    }
    expect(await store.getBatch('turn')).toMatchObject({ assigned: 1, failed: 1, invalid: 1, pending: 0, done: true });
    expect(await store.getBatch('turn-other')).toMatchObject({ assigned: 1, done: true });
  });

  it("writes each turn's rows at the end of that turn though the calls before it are unanswered, tells `sent` then, and Redis answers them in order", async () => {
    await newBatch('group', 4);
    // A blocking read on the store's own connection: Redis runs nothing behind it on that connection until the
    // list gets a value, so every outcome call below is written and none is answered until then.
    const gate = `${prefix}:gate`;
    const blocked = redis.blpop(gate, 0);
    const calls = watchOutcomeCalls();
    const nextTurn = () => new Promise<void>((r) => setImmediate(r));
    const sent: number[] = [];
    const answered: number[] = [];
    const results: Array<Promise<unknown>> = [];
    try {
      // Four rows, each in a turn of its own, the first while the connection is blocked.
      for (const line of [2, 3, 4, 5]) {
        const failed = line === 4;
        results.push(
          store.recordOutcomeCoalesced('group', row(line, failed ? 'failed' : 'assigned', failed ? 'http-404' : ''), 'set', 200, () => sent.push(line)).then((r) => {
            answered.push(line);
            return r;
          }),
        );
        await nextTurn();
        // Written at the end of its own turn, without waiting for the call before it.
        expect(sent).toContain(line);
      }
      expect(calls.count()).toBe(4);
      expect(sent).toEqual([2, 3, 4, 5]);
      expect(answered).toEqual([]);
    } finally {
      calls.stop();
    }
    const unblock = new Redis(redisUrl());
    await unblock.lpush(gate, 'go');
    await unblock.quit();
    await blocked;
    const all = await Promise.all(results);
    expect(answered).toEqual([2, 3, 4, 5]);
    expect(all.map((r) => (r as { changed: boolean }).changed)).toEqual([true, true, true, true]);
    // Run in the order written: the last call is the one that completed the batch.
    expect(all.map((r) => (r as { done: boolean }).done)).toEqual([false, false, false, true]);
    expect(await store.getBatch('group')).toMatchObject({ assigned: 3, failed: 1, pending: 0, done: true });
  });

  it('leaves the same counters after one call of many moves as after the same moves made one call at a time', async () => {
    // Moves that add up and moves that cancel out, in one call: a row failing, changing reason, then assigned;
    // another failing twice the same way; every request counted by status.
    const moves: Array<[FailureDetail, number]> = [
      [row(2, 'failed', 'http-503'), 503],
      [row(3, 'assigned'), 200],
      [row(2, 'failed', 'timeout'), 0],
      [row(4, 'failed', 'http-404'), 404],
      [row(2, 'assigned'), 200],
      [row(4, 'failed', 'http-404'), 404],
      [row(5, 'invalid', 'bad-group-id'), 0],
    ];
    const state = async (id: string) => ({ batch: await store.getBatch(id), reasons: await store.reasonCounts(id) });
    await newBatch('one-call', 4);
    const calls = watchOutcomeCalls();
    let results;
    try {
      results = await Promise.all(moves.map(([d, status]) => store.recordOutcomeCoalesced('one-call', d, 'set', status || undefined)));
      expect(calls.count()).toBe(1);
    } finally {
      calls.stop();
    }
    await newBatch('call-each', 4);
    for (const [d, status] of moves) await store.recordOutcomeCoalesced('call-each', d, 'set', status || undefined);
    const together = await state('one-call');
    const apart = await state('call-each');
    expect({ ...together.batch, batchId: 'x', createdAt: 'x', finishedAt: 'x' }).toEqual({ ...apart.batch, batchId: 'x', createdAt: 'x', finishedAt: 'x' });
    expect(together.reasons).toEqual(apart.reasons);
    expect(together.batch).toMatchObject({ assigned: 2, failed: 1, invalid: 1, pending: 0, done: true, httpStatusCounts: { '200': 2, '404': 2, '503': 1 } });
    expect(together.reasons).toEqual({ 'failed|http-404': 1, 'invalid|bad-group-id': 1 });
    expect(results.map((r) => r.changed)).toEqual([true, true, true, true, true, false, true]);
  });

  it('writes the same outcome bytes and counters in one call as one row at a time, lines close together or far apart', async () => {
    // The script reads and writes the bytes of a call's lines as one span when they are within 16,384 lines of one
    // another, else one byte at a time. Both, with the states a byte can hold before: pending past the string's end,
    // queued by an import ('e'), put back for a retry ('r'), an earlier outcome, and a line twice in one call.
    const rows = 40_000;
    const prepare = async (id: string) => {
      await store.createBatch(id, 'fp', 'src.csv', rows, false);
      await store.markEnqueued(id, [5, 6, 7, 30_002]);
      await store.recordOutcomeCoalesced(id, row(8, 'failed', 'http-503'), 'set', 503);
      await store.recordOutcomeCoalesced(id, row(9, 'assigned'), 'set', 200);
      await store.recordOutcomeCoalesced(id, row(30_003, 'failed', 'http-404'), 'set', 404);
      await store.resetFailed(id, [8]);
      await store.finishImport(id);
    };
    const close: Array<[FailureDetail, number]> = [
      [row(6, 'assigned'), 200],
      [row(8, 'failed', 'timeout'), 0],
      [row(9, 'failed', 'http-500'), 500],
      [row(4, 'invalid', 'bad-group-id'), 0],
      [row(6, 'failed', 'http-503'), 503],
      [row(12, 'already-member'), 200],
      [row(5, 'failed', 'http-503'), 503],
      [row(5, 'assigned'), 200],
    ];
    const far: Array<[FailureDetail, number]> = [...close, [row(30_002, 'assigned'), 200], [row(30_003, 'assigned'), 200], [row(40_001, 'duplicate', 'duplicate-of-line-2'), 0]];
    const state = async (id: string) => ({
      batch: { ...(await store.getBatch(id)), batchId: 'x', createdAt: 'x' },
      reasons: await store.reasonCounts(id),
      codes: [...(await store.outcomeCodes(id, 0, rows + 1))].map((c, i) => (c === '\0' ? '' : `${i}:${c}`)).filter(Boolean),
    });
    for (const [name, moves] of [['close', close], ['far', far]] as const) {
      await prepare(`${name}-one-call`);
      await prepare(`${name}-call-each`);
      const calls = watchOutcomeCalls();
      let together;
      try {
        together = await Promise.all(moves.map(([d, status]) => store.recordOutcomeCoalesced(`${name}-one-call`, d, 'set', status || undefined)));
        expect(calls.count()).toBe(1);
      } finally {
        calls.stop();
      }
      const apart = [];
      for (const [d, status] of moves) apart.push(await store.recordOutcomeCoalesced(`${name}-call-each`, d, 'set', status || undefined));
      expect(together).toEqual(apart);
      expect(await state(`${name}-one-call`)).toEqual(await state(`${name}-call-each`));
    }
    // What the far call leaves, spelled out: the bytes of each line the calls touched, nothing else written.
    expect((await state('far-one-call')).codes).toEqual(['4:i', '5:a', '6:a', '7:e', '8:f', '9:a', '12:m', '30002:a', '30003:a', '40001:d']);
  });

  it('keeps a failure message with tabs and new lines intact (rows travel to Redis as tab-joined fields)', async () => {
    await newBatch('tabs', 2);
    const message = 'col\tumn one\nline two\t';
    await store.recordOutcomeCoalesced('tabs', { ...row(2, 'failed', 'http-422'), httpStatus: 422, message }, 'set', 422);
    await store.recordOutcomeCoalesced('tabs', row(3, 'assigned'), 'set', 200);
    const failures = [];
    for await (const f of store.failures('tabs')) failures.push(f);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ line: 2, reason: 'http-422', message });
    expect(await store.getBatch('tabs')).toMatchObject({ failed: 1, assigned: 1, done: true, httpStatusCounts: { '422': 1, '200': 1 } });
  });

  it('splits a large set of outcomes into calls of at most 500 rows and counts every row once', async () => {
    await newBatch('many', 1200);
    const calls = watchOutcomeCalls();
    try {
      const results = await store.recordOutcomesInBulk('many', Array.from({ length: 1200 }, (_, i) => row(i + 2, 'duplicate', 'duplicate-of-line-1')));
      expect(calls.count()).toBe(3);
      expect(results.filter((r) => r.changed)).toHaveLength(1200);
      expect(results.filter((r) => r.done)).toHaveLength(1);
    } finally {
      calls.stop();
    }
    expect(await store.getBatch('many')).toMatchObject({ duplicate: 1200, pending: 0, done: true });
  });

  it('is not done while the import is still running, even if every row read so far has an outcome', async () => {
    await store.createBatch('importing', 'fp', 'src.csv', 1, false);
    expect((await store.recordOutcomeCoalesced('importing', row(2, 'assigned'))).done).toBe(false);
    expect(await store.finishImport('importing')).toBe(true);
  });

  it('counts exactly under concurrent recording of the same rows from many clients', async () => {
    const rows = 200;
    await newBatch('race', rows);
    const conns = Array.from({ length: 4 }, () => new Redis(redisUrl()));
    const clients = conns.map((conn) => new BatchStore(conn, prefix, 3600));
    await Promise.all(clients.flatMap((c) => Array.from({ length: rows }, (_, i) => c.recordOutcomeCoalesced('race', row(i + 2, i % 5 === 0 ? 'failed' : 'assigned', i % 5 === 0 ? 'http-404' : '')))));
    await Promise.all(conns.map((c) => c.quit()));
    const b = await store.getBatch('race');
    expect(b).toMatchObject({ rows, assigned: 160, failed: 40, pending: 0, done: true });
  });

  it('refuses another file under an existing batch id and resumes the same one', async () => {
    await store.createBatch('conflict', 'fp-a', '/a.csv', 1, false);
    await expect(store.createBatch('conflict', 'fp-a', '/a.csv', 1, false)).resolves.toBe('resumed');
    await expect(store.createBatch('conflict', 'fp-b', '/b.csv', 1, false)).rejects.toThrow(/already holds another file/);
  });

  it('puts failed rows back to pending for a retry', async () => {
    await newBatch('reset', 2);
    await store.recordOutcomeCoalesced('reset', row(2, 'failed', 'http-503'));
    await store.recordOutcomeCoalesced('reset', row(3, 'assigned'));
    expect(await store.getBatch('reset')).toMatchObject({ done: true });
    expect(await store.resetFailed('reset', [2, 3])).toBe(1);
    expect(await store.getBatch('reset')).toMatchObject({ failed: 0, assigned: 1, pending: 1, done: false });
  });
});
