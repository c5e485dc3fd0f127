import { readAssignments } from '../csv/index.js';

/** Lines shown per reason on the upload plan. */
const FIRST_LINES = 5;

/** What the upload page shows before a batch starts: the counts, and why rows would not be sent. */
export interface FilePlan {
  rows: number;
  valid: number;
  invalid: number;
  duplicate: number;
  /** reason -> how many rows, and the first few of their line numbers */
  byReason: Record<string, { count: number; lines: number[] }>;
}

/** Reads the whole file once (streaming); throws the CSV reader's AppError when it is structurally broken. */
export async function planUpload(path: string, looseIds: boolean): Promise<FilePlan> {
  const plan: FilePlan = { rows: 0, valid: 0, invalid: 0, duplicate: 0, byReason: {} };
  for await (const row of readAssignments(path, { looseIds })) {
    plan.rows++;
    plan[row.kind]++;
    if (row.kind === 'valid') continue;
    const r = (plan.byReason[row.kind === 'duplicate' ? 'duplicate' : row.reason] ??= { count: 0, lines: [] });
    r.count++;
    if (r.lines.length < FIRST_LINES) r.lines.push(row.line);
  }
  return plan;
}
