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
  if (!wantsRowOutcome(log, fields.outcome)) return;
  log[levelOf(fields.outcome)]({ ...fields, reason: fields.reason || undefined }, 'row outcome');
}

/**
 * Whether a row outcome line would be written: the worker asks before it builds the line's fields, so at
 * LOG_LEVEL=warn a success costs no object and no clock read (thousands of rows a second).
 */
export function wantsRowOutcome(log: Logger, outcome: string): boolean {
  return log.isLevelEnabled(levelOf(outcome));
}

const levelOf = (outcome: string) => (outcome === 'failed' ? 'warn' : 'info');
