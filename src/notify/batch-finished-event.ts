import type { BatchStatus } from '../queue/batch-store.js';
import { humanDuration, oneLine } from './one-line.js';

/** What the worker knows when a batch ends: its counts (report.json has them all) and where the report went. */
export interface BatchFinishedInput extends Pick<BatchStatus, 'batchId' | 'source' | 'rows' | 'assigned' | 'alreadyMember' | 'failed' | 'invalid' | 'duplicate' | 'pending'> {
  durationSeconds: number;
  /** Path of the batch's report.json. */
  reportPath: string;
}

/**
 * How the batch ended, for receivers that route on it:
 * - `succeeded`: no row failed and none was invalid (duplicates are harmless repeats);
 * - `failed`: no row got in (nothing assigned, nothing already a member) though the file had rows;
 * - `completed-with-failures`: anything in between.
 */
export type BatchEndState = 'succeeded' | 'completed-with-failures' | 'failed';

/** The `batch.finished` notification, exactly as it is POSTed (JSON). */
export interface BatchFinishedEvent extends BatchFinishedInput {
  event: 'batch.finished';
  /** The event's id, the same on every delivery try: receivers may dedupe on it. */
  id: string;
  /** When the event was raised (ISO 8601). */
  occurredAt: string;
  /** One line naming the batch, shown as it is by Slack and Teams incoming webhooks. */
  text: string;
  state: BatchEndState;
}

/** `batch.finished-<batchId>`: one event per batch, and a valid BullMQ job id (batch ids hold no ':'). */
export function batchFinishedId(batchId: string): string {
  return `batch.finished-${batchId}`;
}

export function batchEndState(b: Pick<BatchStatus, 'rows' | 'assigned' | 'alreadyMember' | 'failed' | 'invalid'>): BatchEndState {
  if (b.failed === 0 && b.invalid === 0) return 'succeeded';
  if (b.rows > 0 && b.assigned + b.alreadyMember === 0) return 'failed';
  return 'completed-with-failures';
}

const VERB: Record<BatchEndState, string> = {
  succeeded: 'finished',
  'completed-with-failures': 'finished with failures',
  failed: 'failed',
};

/** Builds the event from the batch's counts; the fields are copied one by one so nothing else can ride along. */
export function batchFinishedEvent(input: BatchFinishedInput, now: Date = new Date()): BatchFinishedEvent {
  const { batchId, source, rows, assigned, alreadyMember, failed, invalid, duplicate, pending, durationSeconds, reportPath } = input;
  const state = batchEndState(input);
  const counts = [`${assigned} assigned`, `${alreadyMember} already members`, `${failed} failed`, `${invalid} invalid`, `${duplicate} duplicate`];
  if (pending > 0) counts.push(`${pending} pending`);
  const text = oneLine(
    `bulk-assign: batch ${batchId} ${VERB[state]}: ${rows} rows, ${counts.join(', ')}, in ${humanDuration(durationSeconds)} (source ${source}). Report: ${reportPath}`,
    1000,
  );
  return {
    event: 'batch.finished',
    id: batchFinishedId(batchId),
    occurredAt: now.toISOString(),
    text,
    batchId,
    source,
    state,
    rows,
    assigned,
    alreadyMember,
    failed,
    invalid,
    duplicate,
    pending,
    durationSeconds,
    reportPath,
  };
}
