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
  /** Told once the call carrying the row is written to the connection (see add). */
  sent: (() => void) | undefined;
}

/**
 * Outcome rows of the same batch that come in the same turn of the event loop share one script call (a busy worker
 * finishes many rows per turn: each call costs the worker a socket write and Redis a script run beyond its rows).
 * The call goes at the end of that turn, whether or not an earlier one is still out: calls on one connection run in
 * Redis in the order they were written, so a row's outcome is never applied after one written later, and a row
 * never waits for another call's answer before its own is written. Each caller still learns its own row's result.
 */
export class OutcomeGroupCommit {
  private pending = new Map<string, PendingOutcome[]>();
  private flushScheduled = false;

  /** `record`: one call of the outcome script for a batch's rows (at most MAX_ROWS_PER_CALL), one result per row. */
  constructor(private readonly record: (batchId: string, rows: string[]) => Promise<RecordResult[]>) {}

  /**
   * Resolves with `row`'s own result once the call that carried it returns. `sent`, when given, is called as soon as
   * that call is written to the connection, before its answer: whatever the caller then sends on the same
   * connection reaches Redis after it.
   */
  add(batchId: string, row: string, sent?: () => void): Promise<RecordResult> {
    return new Promise<RecordResult>((resolve, reject) => {
      let rows = this.pending.get(batchId);
      if (rows === undefined) {
        rows = [];
        this.pending.set(batchId, rows);
      }
      rows.push({ row, resolve, reject, sent });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batches = this.pending;
    this.pending = new Map();
    for (const [batchId, rows] of batches) {
      if (rows.length <= MAX_ROWS_PER_CALL) this.send(batchId, rows);
      else for (let i = 0; i < rows.length; i += MAX_ROWS_PER_CALL) this.send(batchId, rows.slice(i, i + MAX_ROWS_PER_CALL));
    }
  };

  private send(batchId: string, part: PendingOutcome[]): void {
    this.record(batchId, part.map((p) => p.row)).then(
      (results) => part.forEach((p, k) => p.resolve(results[k]!)),
      (err: unknown) => part.forEach((p) => p.reject(err)),
    );
    // record() wrote the call before returning its promise (ioredis writes at once, or queues in order while
    // reconnecting): what the callers send next goes behind it.
    for (const p of part) p.sent?.();
  }
}
