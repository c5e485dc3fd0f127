/** A batch as `status --json` and the report see it. */
export interface BatchStatus {
  batchId: string;
  source: string;
  /** `paused`: S1 rejected the token and every worker stopped; the rows wait for a worker with a valid token. */
  state: 'importing' | 'running' | 'finished' | 'paused';
  rows: number;
  assigned: number;
  alreadyMember: number;
  failed: number;
  invalid: number;
  duplicate: number;
  pending: number;
  done: boolean;
  createdAt: string;
  finishedAt: string | null;
  requests: number;
  httpStatusCounts: Record<string, number>;
  deprecation: string | null;
  looseIds: boolean;
  /** Extra fields stored at creation (ImportOptions.meta), e.g. `schedule`. */
  meta: Record<string, string>;
}

const num = (v: string | undefined) => (v === undefined ? 0 : Number(v));

/** The counts every view of a batch shows (status --json, report.json), adding up to `rows`. */
export function countsOf(b: BatchStatus) {
  const { rows, assigned, alreadyMember, failed, invalid, duplicate, pending } = b;
  return { rows, assigned, alreadyMember, failed, invalid, duplicate, pending };
}

export function toStatus(h: Record<string, string>): BatchStatus {
  const rows = num(h.rows);
  const assigned = num(h.assigned);
  const alreadyMember = num(h['already-member']);
  const failed = num(h.failed);
  const invalid = num(h.invalid);
  const duplicate = num(h.duplicate);
  const httpStatusCounts: Record<string, number> = {};
  const meta: Record<string, string> = {};
  let requests = 0;
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith('h:')) {
      httpStatusCounts[k.slice(2)] = Number(v);
      requests += Number(v);
    } else if (k.startsWith('meta:')) meta[k.slice(5)] = v;
  }
  const done = Boolean(h.finishedAt);
  return {
    batchId: h.batchId ?? '',
    source: h.source ?? '',
    state: done ? 'finished' : h.state === 'importing' ? 'importing' : 'running',
    rows,
    assigned,
    alreadyMember,
    failed,
    invalid,
    duplicate,
    pending: Math.max(0, rows - assigned - alreadyMember - failed - invalid - duplicate),
    done,
    createdAt: new Date(num(h.createdAt)).toISOString(),
    finishedAt: h.finishedAt ? new Date(num(h.finishedAt)).toISOString() : null,
    requests,
    httpStatusCounts,
    deprecation: h.deprecation ?? null,
    looseIds: h.looseIds === '1',
    meta,
  };
}
