import type { ScheduleSummary } from '../batch-service.js';
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

function lastTick(s: ScheduleSummary): SafeHtml {
  const st = s.state;
  if (!st.lastTickAt) return html`<span class="muted">no tick yet</span>`;
  return html`${st.lastTickAt} <span class="state state-${st.lastTickOutcome ?? 'none'}">${st.lastTickOutcome ?? ''}</span>${st.lastError ? html`<div class="muted">${st.lastError}</div>` : ''}
<div class="muted">${st.ticks} ticks, ${st.skippedTicks} skipped, ${st.failedTicks} failed</div>`;
}

export function schedulesPage(list: ScheduleSummary[], notice?: string, error?: string): SafeHtml {
  return layout(
    { title: 'Schedules', nav: 'schedules' },
    html`<h1>Schedules</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${list.length === 0
  ? html`<p>No schedules. Create one with <code>bulk-assign schedule set</code>.</p>`
  : html`<table class="schedules"><thead><tr><th>Name</th><th>Cron</th><th>Next run</th><th>Source</th><th>Mode</th><th>Last tick</th><th>Last batch</th><th></th></tr></thead><tbody>
${list.map(
  (s) => html`<tr data-schedule="${s.name}">
  <td>${s.name}</td><td><code>${s.cron}</code> ${s.tz}</td><td>${s.next?.toISOString() ?? '-'}</td>
  <td>${s.definition?.source ?? '?'}</td><td>${s.definition?.mode ?? '?'}</td><td>${lastTick(s)}</td>
  <td>${s.state.lastBatchId ? (s.lastBatch ? html`<a href="/batches/${encodeURIComponent(s.state.lastBatchId)}">${s.state.lastBatchId}</a> <span class="state state-${s.lastBatch.state}">${s.lastBatch.state}</span>` : html`${s.state.lastBatchId} <span class="muted">(expired)</span>`) : html`<span class="muted">none</span>`}</td>
  <td><form method="post" action="/schedules/${encodeURIComponent(s.name)}/run-now"><button type="submit">Run now</button></form></td>
</tr>`,
)}
</tbody></table>`}`,
  );
}
