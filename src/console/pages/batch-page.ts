import type { BatchStatus, FailureDetail } from '../batch-service.js';
import { html, jsonBlock, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { RateSample } from '../rate-history.js';
import { progressBar, sourceName } from './format.js';

export interface BatchPageData {
  batch: BatchStatus;
  /** Reasons by outcome (failed / invalid / already-member), as in report.json. */
  reasons: Record<string, Record<string, number>>;
  history: RateSample[];
  /** The first rows of failures.csv. */
  failures: FailureDetail[];
  /** A note after an action (a retry). */
  notice?: string;
  error?: string;
}

const COUNTS = [
  ['rows', 'Rows'],
  ['assigned', 'Assigned'],
  ['alreadyMember', 'Already member'],
  ['failed', 'Failed'],
  ['invalid', 'Invalid'],
  ['duplicate', 'Duplicate'],
  ['pending', 'Pending'],
] as const;

/** 429 and 5xx answers: the numbers that say the server pushed back. */
export function pushBack(http: Record<string, number>): { tooMany: number; serverErrors: number } {
  let serverErrors = 0;
  for (const [k, n] of Object.entries(http)) if (/^5\d\d$/.test(k)) serverErrors += n;
  return { tooMany: http['429'] ?? 0, serverErrors };
}

/** Both retry forms are always there (hidden while nothing failed): the page script shows them and keeps the reason list current as the batch runs. */
function retryForm(b: BatchStatus, failed: Record<string, number>): SafeHtml {
  const reasons = Object.entries(failed);
  const action = `/batches/${encodeURIComponent(b.batchId)}/retry`;
  const hidden = b.failed === 0 ? html` hidden` : '';
  return html`<p class="muted" id="retry-none"${b.failed === 0 ? '' : html` hidden`}>No failed rows to retry.</p>
<form method="post" action="${action}" class="actions" id="retry-default"${hidden}>
  <input type="hidden" name="mode" value="transient">
  <button type="submit" id="retry">Retry transient failures</button>
  <span class="muted">5xx, timeouts, network errors, rate-limited, stalled</span>
</form>
<form method="post" action="${action}" class="card" id="retry-chosen"${hidden}>
  <input type="hidden" name="mode" value="chosen">
  <fieldset><legend>Or retry exactly these reasons</legend>
  <div id="retry-reasons">${reasons.map(([r, n]) => html`<label class="check"><input type="checkbox" name="reasons" value="${r}"> <code>${r}</code> (${n})</label>`)}</div>
  </fieldset>
  <button type="submit">Retry chosen reasons</button>
</form>`;
}

function failureTable(rows: FailureDetail[], total: number): SafeHtml {
  if (rows.length === 0) return html`<section id="failures-section"></section>`;
  return html`<section id="failures-section"><h2>Rows that did not succeed${total > rows.length ? html` (first ${rows.length} of ${total}; all in failures.csv)` : ''}</h2>
<table class="failures" id="failures"><thead><tr><th>Line</th><th>Account user</th><th>Group</th><th>Outcome</th><th>Reason</th><th>Message</th></tr></thead>
<tbody>${rows.map((f) => html`<tr><td class="num">${f.line}</td><td>${f.accountUserId}</td><td>${f.groupId}</td><td>${f.outcome}</td><td><code>${f.reason}</code></td><td>${f.message ?? ''}</td></tr>`)}</tbody></table></section>`;
}

export function batchPage(d: BatchPageData): SafeHtml {
  const b = d.batch;
  const id = encodeURIComponent(b.batchId);
  const { tooMany, serverErrors } = pushBack(b.httpStatusCounts);
  const reasonRows = Object.entries(d.reasons).flatMap(([outcome, byReason]) => Object.entries(byReason).map(([reason, n]) => html`<tr><td>${outcome}</td><td><code>${reason}</code></td><td class="num">${n}</td></tr>`));
  return layout(
    { title: b.batchId, nav: 'batches', scripts: ['/assets/chart.umd.min.js', '/assets/console.js'] },
    html`<h1>Batch <span id="batch-id">${b.batchId}</span></h1>
<p class="muted">from ${sourceName(b.source)} · created ${b.createdAt}${b.finishedAt ? html` · finished ${b.finishedAt}` : ''}</p>
${d.notice ? html`<p class="notice" role="status" id="notice">${d.notice}</p>` : ''}
${d.error ? html`<p class="error" role="alert">${d.error}</p>` : ''}
<section id="progress" data-batch="${b.batchId}" data-state="${b.state}" data-done="${String(b.done)}">
  <p><span class="state state-${b.state}" id="state">${b.state}</span> ${progressBar(b.rows - b.pending, b.rows)}</p>
  <table class="counts"><tr>${COUNTS.map(([, label]) => html`<th>${label}</th>`)}</tr>
  <tr>${COUNTS.map(([k]) => html`<td class="num" data-field="${k}">${b[k]}</td>`)}</tr></table>
  <p>HTTP calls <strong data-field="requests">${b.requests}</strong> · 429 answers <strong data-field="http429">${tooMany}</strong> · 5xx answers <strong data-field="http5xx">${serverErrors}</strong></p>
</section>
<section class="charts">
  <figure><figcaption>Outcomes by reason</figcaption><canvas id="chart-outcomes" width="480" height="260" aria-describedby="reasons-table"></canvas></figure>
  <figure><figcaption>Rows per second</figcaption><canvas id="chart-rate" width="480" height="260"></canvas></figure>
</section>
<table class="reasons" id="reasons-table"><thead><tr><th>Outcome</th><th>Reason</th><th>Rows</th></tr></thead>
<tbody>${reasonRows.length ? reasonRows : html`<tr><td colspan="3" class="muted">none yet</td></tr>`}</tbody></table>
${failureTable(d.failures, b.failed + b.invalid + b.duplicate)}
<h2>Downloads</h2>
<p class="downloads"><a href="/api/batches/${id}/report.json" download>report.json</a> · <a href="/api/batches/${id}/failures.csv" download id="download-failures">failures.csv</a> · <a href="/api/batches/${id}/results.csv" download>results.csv</a></p>
<h2>Retry</h2>
${retryForm(b, d.reasons.failed ?? {})}
${jsonBlock('batch-data', { status: b, reasons: d.reasons, history: d.history })}`,
  );
}
