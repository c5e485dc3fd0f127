/** `2026-11-27T02:00:00.000Z` -> `20261127T020000Z`: sortable, no ':' (batch ids become BullMQ job ids). */
export function utcStamp(at: Date | number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * The batch a tick imports into: `<name>-<UTC time of the tick>`, e.g. `nightly-20261127T020000Z`. Made from the
 * tick's *scheduled* time, not the clock of the worker that runs it, so a tick that runs twice (a worker died and
 * BullMQ handed the job to another) lands in the same batch and adds nothing.
 */
export function tickBatchId(name: string, at: Date | number): string {
  return `${name}-${utcStamp(at)}`;
}

/**
 * When a tick job was due. BullMQ names scheduler jobs `repeat:<schedulerId>:<millis>`; `run-now` jobs carry `at`.
 */
export function tickTime(jobId: string | undefined, data: { at?: unknown }, fallback: number): number {
  if (typeof data.at === 'number' && Number.isFinite(data.at)) return data.at;
  const m = /^repeat:.+:(\d+)$/.exec(jobId ?? '');
  return m ? Number(m[1]) : fallback;
}
