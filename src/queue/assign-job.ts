import { assignJobId } from './assign-job-id.js';
import { ASSIGN_QUEUE } from './keys.js';

/** The name of a row job: the assign queue holds one kind of job, named like the queue. */
export const ASSIGN_JOB = ASSIGN_QUEUE;

/**
 * Short keys, and nothing the job id already says: a million pending jobs each carry this, bytes per job are bytes
 * of Redis memory, and a value over Redis' `hash-max-listpack-value` (64 bytes by default) makes the whole job hash
 * take twice the memory.
 */
export interface AssignPayload {
  /** account user id (validated at import) */
  u: string;
  /** user group id (validated at import) */
  g: string;
  /** 429 answers this row has had so far */
  r?: number;
  /** Times Redis refused this row's outcome after its job had completed (the job was then added again) */
  o?: number;
  /** Set on a failed job kept for Bull Board (KEEP_FAILED_JOBS_HOURS) once its row's outcome is recorded. */
  k?: 1;
}

/** A row job as queue.addBulk takes it. */
export interface AssignJob {
  name: typeof ASSIGN_JOB;
  data: AssignPayload;
  opts: { jobId: string };
}

/**
 * The job of one row, for the import (`retryRound` undefined) and for `retry` (its round). No attempts or backoff:
 * the worker applies its own (applyRetryPolicy in jobs/), so they are not stored with each of a million jobs.
 */
export function assignJob(batchId: string, row: { line: number; accountUserId: string; groupId: string }, retryRound?: number): AssignJob {
  return { name: ASSIGN_JOB, data: { u: row.accountUserId, g: row.groupId }, opts: { jobId: assignJobId(batchId, row.line, retryRound) } };
}
