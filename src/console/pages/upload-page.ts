import type { FilePlan } from '../file-plan.js';
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

/** What the person chose on the form, carried from the plan to the start. */
export interface UploadChoices {
  batch: string;
  skipExisting: boolean;
  looseIds: boolean;
}

const REASON_TEXT: Record<string, string> = {
  'missing-account-user': 'no account user id',
  'missing-group': 'no group id',
  'bad-account-user-id': 'account user id not of the form AUSR-dddd-dddd-dddd',
  'bad-group-id': 'group id not of the form UGR-dddd-dddd',
  'field-count': 'wrong number of fields',
  duplicate: 'the same pair again (only the first is sent)',
};

export function uploadForm(maxUploadMb: number, error?: string, choices?: UploadChoices): SafeHtml {
  return layout(
    { title: 'Upload', nav: 'upload' },
    html`<h1>Upload an assignment file</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/upload" enctype="multipart/form-data" class="card">
  <label>CSV file (up to ${maxUploadMb} MiB) <input type="file" name="file" accept=".csv,.txt,text/csv" required></label>
  <label>Batch id (optional) <input type="text" name="batch" value="${choices?.batch ?? ''}" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,79}" placeholder="made from the file name and time"></label>
  <label class="check"><input type="checkbox" name="skipExisting" value="true"${choices?.skipExisting ? html` checked` : ''}> Skip pairs already in place (reads current memberships from S1 first)</label>
  <label class="check"><input type="checkbox" name="looseIds" value="true"${choices?.looseIds ? html` checked` : ''}> Accept any safe id, not only AUSR-/UGR- shapes</label>
  <button type="submit">Check the file</button>
</form>
<p class="muted">The file is checked first; nothing is queued until you press Start on the plan.</p>`,
  );
}

export function planPage(uploadId: string, fileName: string, plan: FilePlan, choices: UploadChoices, inPlace?: { toAssign: number; alreadyInPlace: number; unknownUsers: number }): SafeHtml {
  const reasons = Object.entries(plan.byReason).sort((a, b) => b[1].count - a[1].count);
  return layout(
    { title: 'Plan', nav: 'upload' },
    html`<h1>Plan for ${fileName}</h1>
<table class="plan" id="plan">
  <tr><th>Rows</th><td class="num" data-field="rows">${plan.rows}</td></tr>
  <tr><th>Valid (will be sent)</th><td class="num" data-field="valid">${plan.valid}</td></tr>
  <tr><th>Invalid</th><td class="num" data-field="invalid">${plan.invalid}</td></tr>
  <tr><th>Duplicate</th><td class="num" data-field="duplicate">${plan.duplicate}</td></tr>
  ${inPlace
    ? html`<tr><th>Already in place (not sent)</th><td class="num" data-field="alreadyInPlace">${inPlace.alreadyInPlace}</td></tr>
  <tr><th>To assign</th><td class="num" data-field="toAssign">${inPlace.toAssign}</td></tr>
  <tr><th>Of those, account users S1 does not list</th><td class="num" data-field="unknownUsers">${inPlace.unknownUsers}</td></tr>`
    : ''}
</table>
${reasons.length === 0
  ? html`<p>Every row is valid.</p>`
  : html`<h2>Rows that will not be sent</h2>
<table class="reasons" id="plan-reasons">
<thead><tr><th>Reason</th><th>Rows</th><th>First lines</th></tr></thead>
<tbody>${reasons.map(([reason, r]) => html`<tr data-reason="${reason}"><td><code>${reason}</code> <span class="muted">${REASON_TEXT[reason] ?? ''}</span></td><td class="num">${r.count}</td><td>${r.lines.join(', ')}${r.count > r.lines.length ? ' …' : ''}</td></tr>`)}</tbody>
</table>`}
<form method="post" action="/upload/start" class="actions">
  <input type="hidden" name="upload" value="${uploadId}">
  <input type="hidden" name="batch" value="${choices.batch}">
  <input type="hidden" name="skipExisting" value="${String(choices.skipExisting)}">
  <input type="hidden" name="looseIds" value="${String(choices.looseIds)}">
  <button type="submit" id="start"${plan.valid === 0 ? html` disabled` : ''}>Start the batch (${plan.valid} rows)</button>
  <a href="/upload">Choose another file</a>
</form>`,
  );
}
