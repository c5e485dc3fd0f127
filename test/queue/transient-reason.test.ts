import { describe, expect, it } from 'vitest';
import { isTransientReason } from '../../src/queue/transient-reason.js';

// The hand-written rule `retry` used before it was derived from src/s1/retry-rules.ts.
const PREVIOUS_RULE = /^(http-5\d\d|http-408|http-425|timeout|network|rate-limited|stalled|error)$/;

describe('which failed rows `retry` takes by default', () => {
  it('are the reasons of answers the worker itself would retry, the same set as the rule it replaces', () => {
    const reasons = [
      ...Array.from({ length: 500 }, (_, i) => `http-${i + 100}`),
      ...['timeout', 'network', 'invalid-id', 'rate-limited', 'stalled', 'error', 'not-applied'],
      ...['bad-group-id', 'bad-account-user-id', 'duplicate', 'in-place', 'unchanged', '', 'http-', 'http-5000', 'HTTP-503', 'timeout '],
    ];
    for (const reason of reasons) expect(isTransientReason(reason), reason).toBe(PREVIOUS_RULE.test(reason));
  });
});
