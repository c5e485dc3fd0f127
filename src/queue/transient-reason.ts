import { classifyStatus, TRANSPORT_CLASS, type AnswerClass } from '../s1/index.js';

/**
 * Reasons a worker gives a row that BullMQ failed outside the processor (see src/worker/reconcile-on-start.ts): a job that
 * stalled too often, or one that threw something unexpected. Neither says anything about the row itself.
 */
const WORKER_FAILURE_REASONS: ReadonlySet<string> = new Set(['stalled', 'error']);

/** `rate-limited`: the row ran out of 429s (S1_MAX_RATE_LIMITED); the answer class itself is its reason. */
const RATE_LIMITED: AnswerClass = 'rate-limited';

const HTTP_REASON = /^http-(\d{3})$/;

/**
 * Whether a failed row's reason may succeed on its own if tried again: the default selection of `retry`. Read from
 * the same rules that classify S1's answers (src/s1/retry-rules.ts), so a status or transport failure the worker
 * retries is one `retry` takes again, and no second list can drift from the first.
 */
export function isTransientReason(reason: string): boolean {
  const http = HTTP_REASON.exec(reason);
  if (http) return classifyStatus(Number(http[1])) === 'transient';
  if (Object.hasOwn(TRANSPORT_CLASS, reason)) return TRANSPORT_CLASS[reason as keyof typeof TRANSPORT_CLASS] === 'transient';
  return reason === RATE_LIMITED || WORKER_FAILURE_REASONS.has(reason);
}
