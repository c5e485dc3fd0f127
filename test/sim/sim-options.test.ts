import { describe, expect, it } from 'vitest';
import { applySimOptionsPatch, resolveSimOptions } from '../../src/sim/sim-options.js';

describe('simulator options schema', () => {
  it('fills every default at start, with lists as sets', () => {
    const o = resolveSimOptions({ token: 't' });
    expect(o).toMatchObject({ port: 0, host: '127.0.0.1', rate: 0, retryAfter: 'seconds', strictIds: true });
    expect(o).toMatchObject({ directoryUsers: 0, directoryGroups: 0, sharedEmails: 2, missingEmails: 3 });
    expect(o.unknownUsers).toEqual(new Set());
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('a patch changes only what it names, and cannot name a start-only option', () => {
    const start = resolveSimOptions({ token: 't', rate: 5, unknownGroups: ['UGR-0000-0001'] });
    const next = applySimOptionsPatch(start, { latencyMs: 10 });
    expect(next).toMatchObject({ rate: 5, latencyMs: 10 });
    expect(next.unknownGroups).toEqual(new Set(['UGR-0000-0001']));
    expect(() => applySimOptionsPatch(start, { directoryUsers: 10 })).toThrow(
      'simulator: directoryUsers is not an option that can be changed at run time',
    );
  });

  it('names the option in every message', () => {
    expect(() => resolveSimOptions({ token: 't', colour: 'red' } as never)).toThrow('simulator: colour is not a simulator option');
    expect(() => resolveSimOptions({ token: 't', directoryUsers: -1 })).toThrow(/directoryUsers must be an integer from 0/);
    expect(() => resolveSimOptions({ token: 't', forbiddenTokens: 'x' as never })).toThrow(
      'simulator: forbiddenTokens must be an array of strings',
    );
    expect(() => resolveSimOptions({} as never)).toThrow('simulator: token must be a non-empty string');
  });
});
