import { describe, expect, it } from 'vitest';
import { outstanding } from '../../src/worker/pending-work.js';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('outstanding(): work counted by begin/end, settled at close', () => {
  it('settles at once with nothing begun, and only once every piece begun has ended', async () => {
    const out = outstanding();
    await out.settle();
    out.begin();
    out.begin();
    let settled = false;
    void out.settle().then(() => (settled = true));
    out.end();
    await turn();
    expect(settled).toBe(false);
    out.end();
    await turn();
    expect(settled).toBe(true);
    // Work begun after a settle is waited for by the next one.
    out.begin();
    let again = false;
    void out.settle().then(() => (again = true));
    await turn();
    expect(again).toBe(false);
    out.end();
    await turn();
    expect(again).toBe(true);
  });
});
