import type { Logger } from 'pino';

/** The fields of a `row outcome` line: the same set wherever a row gets its outcome (worker, importer, reconcile). */
export interface RowOutcomeFields {
  batchId: string;
  /** null for rows that never became a job (invalid, duplicate, already in place at import). */
  jobId: string | null;
  line: number;
  accountUserId: string;
  groupId: string;
  /** assigned | already-member | failed | invalid | duplicate */
  outcome: string;
  reason?: string | undefined;
  httpStatus?: number | undefined;
  attempts?: number | undefined;
  durationMs?: number | undefined;
  message?: string | undefined;
}

/**
 * Writes the one NDJSON line a row's outcome gets: failed rows at warn, the rest at info. Called only when the
 * outcome was new (the accounting said it changed), so a row that runs twice is logged once.
 */
export function logRowOutcome(log: Logger, fields: RowOutcomeFields): void {
  const level = fields.outcome === 'failed' ? 'warn' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level]({ ...fields, reason: fields.reason || undefined }, 'row outcome');
}
