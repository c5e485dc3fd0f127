import type { BatchReport } from './build-report.js';

/** A few lines for a person. */
export function formatSummary(r: BatchReport, paths?: { jsonPath: string; csvPath: string }): string {
  const lines = [
    `Batch ${r.batchId}: ${r.done ? 'finished' : 'not finished'} in ${r.durationSeconds.toFixed(1)} s`,
    `  rows ${r.rows}: assigned ${r.assigned}, already member ${r.alreadyMember}, failed ${r.failed}, invalid ${r.invalid}, duplicate ${r.duplicate}, pending ${r.pending}`,
    `  requests ${r.requests} (${Object.entries(r.httpStatusCounts).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}), ${r.ratePerSecond}/s`,
  ];
  const reasons = Object.entries({ ...r.failuresByReason, ...r.invalidByReason });
  if (reasons.length > 0) lines.push(`  reasons: ${reasons.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.deprecation) lines.push(`  the server announced: ${r.deprecation}`);
  if (paths) lines.push(`  report: ${paths.jsonPath}`, `  failures: ${paths.csvPath}`);
  return lines.join('\n');
}
