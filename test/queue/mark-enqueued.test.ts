import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesAsRuns } from '../../src/queue/batch-scripts/batch-scripts.js';
import { BatchStore } from '../../src/queue/batch-store.js';
import { batchKeys } from '../../src/queue/keys.js';
import { redisUrl, uniquePrefix } from '../helpers/test-env.js';

let redis: Redis;
let store: BatchStore;
const prefix = uniquePrefix('mark');

beforeAll(() => {
  redis = new Redis(redisUrl());
  store = new BatchStore(redis, prefix, 3600);
});
afterAll(() => redis.quit());

describe('linesAsRuns', () => {
  it('packs consecutive lines into (first, count) pairs, in increasing order, each line once', () => {
    expect(linesAsRuns([])).toEqual([]);
    expect(linesAsRuns([7])).toEqual([7, 1]);
    expect(linesAsRuns([2, 3, 4, 5])).toEqual([2, 4]);
    expect(linesAsRuns([2, 3, 5, 6, 7, 10])).toEqual([2, 2, 5, 3, 10, 1]);
    expect(linesAsRuns([6, 2, 5, 3, 6])).toEqual([2, 2, 5, 2]);
  });
});

describe('markEnqueued', () => {
  it("marks only the given rows that have no outcome yet, and counts only those", async () => {
    await store.createBatch('mixed', 'fp', 'src.csv', 12, false);
    const outcomes = batchKeys(prefix, 'mixed').outcomes;
    // Line 4 has an outcome (a worker was quicker), line 6 was queued by an earlier import.
    await redis.setrange(outcomes, 4, 'a');
    await redis.setrange(outcomes, 6, 'e');
    expect(await store.markEnqueued('mixed', [2, 3, 4, 5, 6, 7, 9, 11, 12])).toBe(7);
    const codes = await redis.get(outcomes);
    expect(codes).toBe('\0\0ee' + 'a' + 'e' + 'e' + 'e' + '\0' + 'e' + '\0' + 'e' + 'e');
    // A second call finds them marked.
    expect(await store.markEnqueued('mixed', [2, 3, 12])).toBe(0);
    // The outcomes string takes the batch's expiry.
    expect(await redis.pttl(outcomes)).toBeGreaterThan(0);
  });

  it('marks lines past the end of the outcomes string, and writes nothing for a batch that is gone', async () => {
    await store.createBatch('fresh', 'fp', 'src.csv', 300, false);
    expect(await store.markEnqueued('fresh', [250, 251, 252])).toBe(3);
    expect(await redis.getrange(batchKeys(prefix, 'fresh').outcomes, 249, 252)).toBe('\0eee');
    await expect(store.markEnqueued('gone', [2, 3])).rejects.toThrow();
    expect(await redis.exists(batchKeys(prefix, 'gone').outcomes)).toBe(0);
  });
});
