import { countsOf, type BatchStatus, type BatchStore } from '../queue/batch-store.js';
import { limitsInForce, type LimitChange } from '../queue/limit-history.js';

/** report.json: everything a person or a script needs to know about a batch, counts adding up to `rows`. */
export interface BatchReport
  extends Pick<BatchStatus, 'batchId' | 'source' | 'createdAt' | 'finishedAt' | 'done' | 'rows' | 'assigned' | 'alreadyMember' | 'failed' | 'invalid' | 'duplicate' | 'pending' | 'requests' | 'deprecation'> {
  /** Failed rows by reason (`http-404`, `timeout`, `rate-limited`, `not-applied` ...). */
  failuresByReason: Record<string, number>;
  /** Invalid rows by reason (`bad-group-id`, `field-count` ...). */
  invalidByReason: Record<string, number>;
  /** Rows found in place without a call, by reason (`in-place`: --skip-existing; `unchanged`: a changes-mode sync). */
  alreadyMemberByReason: Record<string, number>;
  /** Answers by HTTP status, plus `timeout` / `network` for calls that got none; retries included. */
  httpStatusCounts: Record<string, number>;
  durationSeconds: number;
  /** Rows that reached an API outcome (assigned, already a member or failed) per second of the batch's life. */
  ratePerSecond: number;
  /**
   * The rate limits in force for every worker while the batch ran, when S1 allowed less than configured: the one in
   * force at its start, then each change (learnt from a 429, announced by S1, or probed upward). Empty: the
   * configured S1_RATE_LIMIT held throughout.
   */
  learntLimits: LimitChange[];
}

export async function buildReport(store: BatchStore, batchId: string): Promise<BatchReport | undefined> {
  const b = await store.getBatch(batchId);
  if (!b) return undefined;
  const [reasons, history] = await Promise.all([store.reasonCounts(batchId), store.limitHistory()]);
  const byOutcome = (outcome: string) => {
    const out: Record<string, number> = {};
    for (const [key, n] of Object.entries(reasons)) {
      const [o, reason] = key.split('|') as [string, string];
      if (o === outcome) out[reason] = n;
    }
    return out;
  };
  const end = b.finishedAt ? Date.parse(b.finishedAt) : Date.now();
  const durationSeconds = Math.max(0, (end - Date.parse(b.createdAt)) / 1000);
  const processed = b.assigned + b.alreadyMember + b.failed;
  return {
    batchId: b.batchId,
    source: b.source,
    createdAt: b.createdAt,
    finishedAt: b.finishedAt,
    done: b.done,
    ...countsOf(b),
    failuresByReason: byOutcome('failed'),
    invalidByReason: byOutcome('invalid'),
    alreadyMemberByReason: byOutcome('already-member'),
    httpStatusCounts: b.httpStatusCounts,
    requests: b.requests,
    durationSeconds: Math.round(durationSeconds * 1000) / 1000,
    ratePerSecond: durationSeconds > 0 ? Math.round((processed / durationSeconds) * 100) / 100 : 0,
    deprecation: b.deprecation,
    learntLimits: limitsInForce(history, b.createdAt, b.finishedAt ?? new Date().toISOString()),
  };
}
