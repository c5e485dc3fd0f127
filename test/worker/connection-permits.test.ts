import { describe, expect, it } from 'vitest';
import { connectionPermits } from '../../src/worker/connection-permits.js';

/** A promise settled from outside, and whether `fn` has been called. */
function gate() {
  let resolve!: (v: string) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('connection permits', () => {
  it('runs at most N at once; the others start in the order they came as permits come back', async () => {
    const withPermit = connectionPermits(2);
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const results = gates.map((g, i) =>
      withPermit(() => {
        started.push(i);
        return g.promise;
      }),
    );
    await turns();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve('one');
    await turns();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve('zero');
    gates[2]!.resolve('two');
    await turns();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3]!.resolve('three');
    gates[4]!.resolve('four');
    expect(await Promise.all(results)).toEqual(['zero', 'one', 'two', 'three', 'four']);
  });

  it('a rejection and a synchronous throw each give the permit back, and reach the caller', async () => {
    const withPermit = connectionPermits(1);
    const first = gate();
    const failed = withPermit(() => first.promise);
    let secondStarted = false;
    const second = withPermit(() => {
      secondStarted = true;
      throw new Error('thrown before any promise');
    });
    let thirdStarted = false;
    const third = withPermit(async () => {
      thirdStarted = true;
      return 'third';
    });
    await turns();
    expect(secondStarted).toBe(false);
    first.reject(new Error('no answer'));
    await expect(failed).rejects.toThrow('no answer');
    await expect(second).rejects.toThrow('thrown before any promise');
    await expect(third).resolves.toBe('third');
    expect(thirdStarted).toBe(true);
    // Every permit is back: two more run at once on a limit of one only if one leaked the other way.
    const a = gate();
    const b = gate();
    let bStarted = false;
    void withPermit(() => a.promise);
    void withPermit(() => {
      bStarted = true;
      return b.promise;
    });
    await turns();
    expect(bStarted).toBe(false);
    a.resolve('a');
    await turns();
    expect(bStarted).toBe(true);
    b.resolve('b');
  });
});
