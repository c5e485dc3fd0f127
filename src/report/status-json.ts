import { countsOf, type BatchStatus } from '../queue/batch-store.js';
import type { ImportResult } from '../queue/import-batch.js';

/**
 * The JSON shapes scripts depend on. The CLI prints them and the console's API answers with them, so both faces
 * build them here and cannot drift apart.
 */

/** `status <batch> --json`: one batch's counts. */
export function statusJson(b: BatchStatus) {
  return {
    batchId: b.batchId,
    ...countsOf(b),
    done: b.done,
  };
}

/** One element of the array `status --json` prints: the counts plus where the batch came from and its life. */
export function batchListEntryJson(b: BatchStatus) {
  return { ...statusJson(b), source: b.source, state: b.state, createdAt: b.createdAt, finishedAt: b.finishedAt };
}

/** `import --json`. */
export function importJson(res: ImportResult) {
  return { batchId: res.batchId, status: res.status, rows: res.rows, valid: res.valid, invalid: res.invalid, duplicate: res.duplicate, alreadyMember: res.alreadyMember, enqueued: res.enqueued };
}
