import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureDetail } from '../../src/queue/outcomes.js';
import { collect, spawnCli } from '../helpers/cli.js';
import { logLines, startE2E, type E2E } from '../helpers/e2e.js';

/**
 * One batch whose rows each meet a different answer from the simulator; one worker process works it. Each rule of
 * "how an answer is treated" is one assertion on that row's outcome, reason and attempts.
 */
const U = (n: number) => `AUSR-2000-0000-${String(n).padStart(4, '0')}`;
const G = 'UGR-1234-5678';
const rows: Record<string, number> = {
  ok: 1,
  flaky503: 2, // 503 twice, then fine
  always503: 3,
  unknown404: 9999, // the simulator does not know users ending in 9999
  conflict409: 5,
  unprocessable422: 6,
  hang: 7, // never answers: timeout
  reset: 8, // connection dropped: network
  notApplied: 9,
  timeout408: 10, // 408 once, then fine
  early425: 11, // 425 once, then fine
  status500: 12,
};

let e: E2E;
let failures: Map<number, FailureDetail>;
let lines: Array<Record<string, unknown>>;
let batch: Awaited<ReturnType<E2E['waitDone']>>;
const lineOf = (key: string) => Object.keys(rows).indexOf(key) + 2;

beforeAll(async () => {
  e = await startE2E('answers', { deprecation: true });
  e.sim.addFault({ accountUserId: U(rows.flaky503!), kind: 'status', status: 503, times: 2 });
  e.sim.addFault({ accountUserId: U(rows.always503!), kind: 'status', status: 503 });
  e.sim.addFault({ accountUserId: U(rows.conflict409!), kind: 'status', status: 409 });
  e.sim.addFault({ accountUserId: U(rows.unprocessable422!), kind: 'status', status: 422 });
  e.sim.addFault({ accountUserId: U(rows.hang!), kind: 'hang' });
  e.sim.addFault({ accountUserId: U(rows.reset!), kind: 'reset' });
  e.sim.addFault({ accountUserId: U(rows.notApplied!), kind: 'not-applied' });
  e.sim.addFault({ accountUserId: U(rows.timeout408!), kind: 'status', status: 408, times: 1 });
  e.sim.addFault({ accountUserId: U(rows.early425!), kind: 'status', status: 425, times: 1 });
  e.sim.addFault({ accountUserId: U(rows.status500!), kind: 'status', status: 500 });
  const csv = ['accountUserId,groupId', ...Object.values(rows).map((n) => `${U(n)},${G}`)].join('\n') + '\n';
  // Retry settings are the worker's: the import runs with the defaults (5 attempts), the worker with 3.
  const env = { S1_MAX_ATTEMPTS: '3', S1_TIMEOUT_MS: '2000', S1_BACKOFF_MS: '20' };
  const imp = await e.cli(['import', e.file('answers.csv', csv), '--batch', 'answers']);
  expect(imp.code).toBe(0);
  const worker = spawnCli(['worker'], e.env(env));
  const output = collect(worker);
  batch = await e.waitDone('answers');
  worker.kill('SIGTERM');
  const [code] = await once(worker, 'close');
  expect(code).toBe(0);
  failures = new Map();
  for await (const f of e.store.failures('answers')) failures.set(f.line, f);
  lines = logLines(output.stdout());
}, 90_000);
afterAll(() => e?.close());

describe('how each answer is treated', () => {
  it('counts add up to the rows read', () => {
    expect(batch.rows).toBe(Object.keys(rows).length);
    expect(batch.assigned + batch.failed + batch.invalid + batch.duplicate).toBe(batch.rows);
    expect(batch).toMatchObject({ assigned: 4, failed: 8, pending: 0 });
  });

  it('200 with the group listed: assigned on the first attempt', () => {
    expect(failures.has(lineOf('ok'))).toBe(false);
    expect(lines.find((l) => l.line === lineOf('ok') && l.msg === 'row outcome')).toMatchObject({ outcome: 'assigned', attempts: 1, httpStatus: 200 });
  });

  it('5xx, 408 and 425 are retried by BullMQ and succeed when the server recovers', () => {
    expect(lines.find((l) => l.line === lineOf('flaky503') && l.msg === 'row outcome')).toMatchObject({ outcome: 'assigned', attempts: 3 });
    expect(lines.find((l) => l.line === lineOf('timeout408') && l.msg === 'row outcome')).toMatchObject({ outcome: 'assigned', attempts: 2 });
    expect(lines.find((l) => l.line === lineOf('early425') && l.msg === 'row outcome')).toMatchObject({ outcome: 'assigned', attempts: 2 });
  });

  it('every retry waits in the BullMQ delayed set (the worker backoff), none is retried at once', async () => {
    // BullMQ's event stream of the queue says how each failed attempt went back: 'delayed' (backoff) or 'waiting'.
    const events = await e.redis.xrange(`${e.prefix}:assign:events`, '-', '+');
    const delayedFor = (key: string) =>
      events.filter(([, f]) => f[1] === 'delayed' && f[f.indexOf('jobId') + 1] === `answers-${lineOf(key)}`).length;
    expect(delayedFor('flaky503')).toBe(2);
    expect(delayedFor('timeout408')).toBe(1);
    expect(delayedFor('always503')).toBe(2);
    expect(delayedFor('ok')).toBe(0);
  });

  it('a 5xx that never recovers fails after S1_MAX_ATTEMPTS, one request per attempt', () => {
    expect(failures.get(lineOf('always503'))).toMatchObject({ outcome: 'failed', reason: 'http-503', httpStatus: 503, attempts: 3 });
    expect(failures.get(lineOf('status500'))).toMatchObject({ reason: 'http-500', attempts: 3 });
    // One retry layer: three attempts are three requests, not three times the client's own retries.
    expect(e.sim.stats().perPair[`${U(rows.always503!)}|${G}`]).toBe(3);
  });

  it('404, 409 and 422 fail at once with the problem detail as the message', () => {
    for (const [key, status] of [['unknown404', 404], ['conflict409', 409], ['unprocessable422', 422]] as const) {
      const f = failures.get(lineOf(key));
      expect(f).toMatchObject({ outcome: 'failed', reason: `http-${status}`, httpStatus: status, attempts: 1 });
      expect(f!.message).toBeTruthy();
      expect(e.sim.stats().perPair[`${U(rows[key]!)}|${G}`]).toBe(1);
    }
  });

  it('timeouts and dropped connections are retried, then fail as timeout / network', () => {
    expect(failures.get(lineOf('hang'))).toMatchObject({ reason: 'timeout', attempts: 3 });
    expect(failures.get(lineOf('reset'))).toMatchObject({ reason: 'network', attempts: 3 });
    expect(batch.httpStatusCounts).toMatchObject({ timeout: 3, network: 3 });
  });

  it('a 200 whose groups lack the group is failed not-applied', () => {
    expect(failures.get(lineOf('notApplied'))).toMatchObject({ reason: 'not-applied', httpStatus: 200, attempts: 1 });
  });

  it('the Deprecation/Sunset announcement is logged once per batch and kept for the report', () => {
    expect(batch.deprecation).toMatch(/Deprecation: .*Sunset: /);
    expect(lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('deprecated'))).toHaveLength(1);
  });

  it('sends an Idempotency-Key with every assignment', () => {
    const s = e.sim.stats();
    expect(s.idempotencyKeys).toBe(s.posts);
  });
});
