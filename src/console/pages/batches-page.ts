import type { batchListEntryJson } from '../batch-service.js';
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { age, progressBar, sourceName } from './format.js';

type Entry = ReturnType<typeof batchListEntryJson>;

export function batchesPage(list: Entry[]): SafeHtml {
  const rows = list.map((b) => {
    const finished = b.rows - b.pending;
    return html`<tr data-batch="${b.batchId}">
  <td><a href="/batches/${encodeURIComponent(b.batchId)}">${b.batchId}</a><div class="muted">${sourceName(b.source)}</div></td>
  <td><span class="state state-${b.state}">${b.state}</span></td>
  <td>${progressBar(finished, b.rows)}</td>
  <td class="num">${b.rows}</td><td class="num">${b.assigned}</td><td class="num">${b.alreadyMember}</td>
  <td class="num">${b.failed}</td><td class="num">${b.invalid}</td><td class="num">${b.duplicate}</td><td class="num">${b.pending}</td>
  <td title="${b.createdAt}">${age(b.createdAt)}</td>
</tr>`;
  });
  return layout(
    { title: 'Batches', nav: 'batches', scripts: ['/assets/console.js'] },
    html`<h1>Batches</h1>
<p><a class="button" href="/upload">Upload a file</a></p>
${list.length === 0
  ? html`<p>No batches yet.</p>`
  : html`<table class="batches" data-refresh="${list.some((b) => !b.done) ? '5' : ''}">
<thead><tr><th>Batch</th><th>State</th><th>Progress</th><th>Rows</th><th>Assigned</th><th>Already member</th><th>Failed</th><th>Invalid</th><th>Duplicate</th><th>Pending</th><th>Created</th></tr></thead>
<tbody>${rows}</tbody>
</table>`}`,
  );
}
