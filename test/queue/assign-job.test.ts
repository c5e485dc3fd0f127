import { describe, expect, it } from 'vitest';
import { ASSIGN_JOB, assignJob } from '../../src/queue/assign-job.js';
import { ASSIGN_QUEUE } from '../../src/queue/keys.js';

describe('a row job', () => {
  const row = { line: 42, accountUserId: 'AUSR-1000-0000-0001', groupId: 'UGR-1234-5678', outcome: 'failed', reason: 'http-503' };

  it('holds the two ids and nothing else, under the deterministic id of its row', () => {
    expect(assignJob('imp-1', row)).toEqual({ name: ASSIGN_JOB, data: { u: 'AUSR-1000-0000-0001', g: 'UGR-1234-5678' }, opts: { jobId: 'imp-1-42' } });
  });

  it('is the same job for a retry, under the id of its round', () => {
    expect(assignJob('imp-1', row, 2)).toEqual({ ...assignJob('imp-1', row), opts: { jobId: 'imp-1-42-r2' } });
  });

  it('is named like the queue that holds it', () => {
    expect(ASSIGN_JOB).toBe(ASSIGN_QUEUE);
  });
});
