import { describe, expect, it } from 'vitest';
import { makeBatchId } from '../../src/queue/batch-id.js';
import { assignJobId, parseAssignJobId } from '../../src/queue/assign-job-id.js';

describe('row job ids', () => {
  it('round-trip batch ids that contain dashes, digits and r-suffixes of their own', () => {
    const batches = ['b', 'x-12', 'a-r2', 'a-7-r2', '2026-11-27', 'nightly.sync_v2-00', makeBatchId('/tmp/Assignments 2026.csv')];
    for (const batchId of batches) {
      for (const line of [1, 2, 10, 999_999, 12_345_678]) {
        expect(parseAssignJobId(assignJobId(batchId, line))).toEqual({ batchId, line });
        expect(parseAssignJobId(assignJobId(batchId, line, 3))).toEqual({ batchId, line });
      }
    }
  });

  it('the format is <batch>-<line>, and -r<round> for a retry', () => {
    expect(assignJobId('imp-1', 42)).toBe('imp-1-42');
    expect(assignJobId('imp-1', 42, 2)).toBe('imp-1-42-r2');
  });

  it('ids this tool did not make name no row', () => {
    for (const id of [undefined, '', '42', 'abc', 'b-', 'b-0', 'b-r2', 'b-x-r2', 'b-1.5', `b-${'9'.repeat(20)}`]) {
      expect(parseAssignJobId(id), String(id)).toBeUndefined();
    }
  });
});
