/**
 * The id of a row's job: `<batchId>-<line>`, or `<batchId>-<line>-r<round>` when `retry` put the row back to work.
 * The id is the only place a job keeps its batch and line (the payload holds just the two ids): a million pending
 * jobs each store their id three times already (key, wait list, options), so repeating it in the payload costs
 * Redis memory for nothing. It is also the Idempotency-Key sent to S1.
 */
export function assignJobId(batchId: string, line: number, retryRound?: number): string {
  return retryRound === undefined ? `${batchId}-${line}` : `${batchId}-${line}-r${retryRound}`;
}

// Batch ids may themselves contain '-' and digits; the line is always the last run of digits, before an optional
// retry suffix, so the greedy batch part can only end where the line begins.
const JOB_ID = /^(.+)-(\d+)(?:-r\d+)?$/;

/** The batch and line a job id names; undefined for an id this tool did not make. */
export function parseAssignJobId(jobId: string | undefined): { batchId: string; line: number } | undefined {
  const m = jobId === undefined ? null : JOB_ID.exec(jobId);
  if (!m) return undefined;
  const line = Number(m[2]);
  return Number.isSafeInteger(line) && line > 0 ? { batchId: m[1]!, line } : undefined;
}
