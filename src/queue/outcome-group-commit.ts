import { OUTCOME_CODE, type FailureDetail } from './outcomes.js';

export interface RecordResult {
  /** The outcome was new or different: counters moved, a log line is due. */
  changed: boolean;
  /** This call completed the batch: the caller writes the report. */
  done: boolean;
}

/** Rows per outcome script call: keeps one call's time in Redis to a few ms. */
export const MAX_ROWS_PER_CALL = 500;

/** A row for recordOutcomes-5.lua: its fields joined by tabs (JSON.stringify escapes any tab in the detail). */
export function outcomeRow(d: FailureDetail, mode: 'set' | 'if-absent', countRequestAs?: number | string): string {
  const success = d.outcome === 'assigned' || d.outcome === 'already-member';
  const detail = success ? '' : JSON.stringify(d);
  return `${d.line}\t${OUTCOME_CODE[d.outcome]}\t${mode}\t${countRequestAs ?? ''}\t${d.reason.replace(/\t/g, ' ')}\t${detail}`;
}

interface PendingOutcome {
  row: string;
  resolve: (r: RecordResult) => void;
  reject: (err: unknown) => void;
}

/** A batch's rows waiting for the outcome script, and whether a call of it is out. */
interface PendingBatch {
  rows: PendingOutcome[];
  sending: boolean;
}

/**
 * Outcome rows of the same batch share one script call, and a batch has at most one call in flight. Rows that come
 * while it is out wait for it and go together in the next (group commit): a busy worker finishes many rows per turn
 * of its event loop and more while Redis answers, and each call costs the worker a socket write and Redis a script
 * run beyond its rows. Each caller still learns its own row's result.
 */
export class OutcomeGroupCommit {
  private readonly pending = new Map<string, PendingBatch>();
  private flushScheduled = false;

  /** `record`: one call of the outcome script for a batch's rows (at most MAX_ROWS_PER_CALL), one result per row. */
  constructor(private readonly record: (batchId: string, rows: string[]) => Promise<RecordResult[]>) {}

  /** Resolves with `row`'s own result once the call that carried it returns. */
  add(batchId: string, row: string): Promise<RecordResult> {
    return new Promise<RecordResult>((resolve, reject) => {
      let batch = this.pending.get(batchId);
      if (batch === undefined) {
        batch = { rows: [], sending: false };
        this.pending.set(batchId, batch);
      }
      batch.rows.push({ row, resolve, reject });
      if (!batch.sending && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const [batchId, batch] of this.pending) if (!batch.sending) this.send(batchId, batch);
  }

  /** Sends the batch's waiting rows (at most MAX_ROWS_PER_CALL) in one call; when it returns, those that came meanwhile. */
  private send(batchId: string, batch: PendingBatch): void {
    if (batch.rows.length === 0) {
      this.pending.delete(batchId);
      return;
    }
    const part = batch.rows.splice(0, MAX_ROWS_PER_CALL);
    batch.sending = true;
    this.record(batchId, part.map((p) => p.row))
      .then(
        (results) => part.forEach((p, k) => p.resolve(results[k]!)),
        (err: unknown) => part.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        batch.sending = false;
        this.send(batchId, batch);
      });
  }
}
