import { afterEach, describe, expect, it } from 'vitest';
import { ASSIGN_QUEUE, batchKeys } from '../../src/queue/keys.js';
import { startMonitor, type RedisMonitor } from '../helpers/redis-monitor.js';
import { redisUrl } from '../helpers/test-env.js';
import { csvRows, importAndWork, startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
let monitor: RedisMonitor | undefined;
afterEach(async () => {
  monitor?.close();
  monitor = undefined;
  await e.close();
});

interface Seen {
  at: number;
  source: string;
}

/**
 * An assigned row's job completes without waiting for its outcome call's answer. What keeps "nothing lost" true is
 * the order in Redis: the outcome call is written first, and BullMQ's completion after it on the same connection,
 * so Redis never completes a row's job before it has recorded the row. Watched with MONITOR (every command Redis
 * runs, in the order it runs them, with the client that sent it) over a real worker process.
 */
describe('the order Redis runs an assigned row in', () => {
  it("runs every row's outcome call before BullMQ completes its job, both from the same connection", { timeout: 60_000 }, async () => {
    e = await startE2E('order');
    const batchId = 'order';
    const rows = 40;
    const batchHash = batchKeys(e.prefix, batchId).batch;
    const jobKey = new RegExp(`^${e.prefix}:${ASSIGN_QUEUE}:${batchId}-(\\d+)$`);
    const completedKey = `${e.prefix}:${ASSIGN_QUEUE}:completed`;
    const outcomeAt = new Map<number, Seen>();
    const completedAt = new Map<number, Seen>();
    let n = 0;
    monitor = await startMonitor(redisUrl(), (args, source) => {
      const at = n++;
      if (source === 'lua') return;
      const name = args[0]?.toLowerCase();
      if (name !== 'eval' && name !== 'evalsha') return;
      if (args.includes(batchHash) && args[2] === '5') {
        // The outcome script: its rows follow its five keys and the time, each `<line>\t<code>\t...` (MONITOR
        // shows the tab escaped, as a backslash and a t).
        for (const row of args.slice(9)) {
          const line = Number(/^(\d+)\\t/.exec(row)?.[1]);
          if (!outcomeAt.has(line)) outcomeAt.set(line, { at, source });
        }
      } else if (args.includes(completedKey)) {
        for (const arg of args) {
          const m = jobKey.exec(arg);
          if (m) completedAt.set(Number(m[1]), { at, source });
        }
      }
    });
    const { batch } = await importAndWork(e, csvRows(rows), batchId, 1);
    expect(batch).toMatchObject({ rows, assigned: rows, pending: 0, done: true });
    const lines = Array.from({ length: rows }, (_, i) => i + 2);
    expect([...completedAt.keys()].sort((a, b) => a - b)).toEqual(lines);
    const wrong = lines.filter((line) => {
      const o = outcomeAt.get(line);
      const c = completedAt.get(line)!;
      return o === undefined || o.at > c.at || o.source !== c.source;
    });
    expect(wrong, 'rows whose job Redis completed before their outcome call, or from another connection').toEqual([]);
  });
});
