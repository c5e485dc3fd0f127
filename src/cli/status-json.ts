import { countsOf, type BatchStatus } from '../queue/batch-store.js';

/** The fields of `status <batch> --json` (and of `run --json`): a contract for scripts. */
export function statusJson(b: BatchStatus) {
  return {
    batchId: b.batchId,
    ...countsOf(b),
    done: b.done,
  };
}
