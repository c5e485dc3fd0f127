import { html, type SafeHtml } from '../html.js';

/** "3 min ago" from an ISO time. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A progress bar of rows with an outcome out of all rows. */
export function progressBar(done: number, rows: number): SafeHtml {
  const pct = rows === 0 ? 100 : Math.floor((done / rows) * 100);
  return html`<progress max="${rows || 1}" value="${rows === 0 ? 1 : done}" title="${pct}%">${pct}%</progress> <span class="pct">${pct}%</span>`;
}

/** The file name of a batch's source, without the folders (a server path means nothing to a browser). */
export function sourceName(source: string): string {
  return source.split(/[\\/]/).pop() ?? source;
}
