import type { ResultRow } from './result-row.js';
import type { Summary } from './summary.js';

function num(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const a = Math.abs(n);
  if (a >= 100) return Math.round(n).toLocaleString('en-US');
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function cell(s: Summary | null, unit: string): string {
  if (!s) return '-';
  const spread = s.values.length > 1 ? ` (${num(s.min)}..${num(s.max)})` : '';
  return `${num(s.median)}${unit ? ` ${unit}` : ''}${spread}`;
}

/** The rows as one aligned plain-text table (median, then min..max over repetitions). */
export function formatTable(rows: ResultRow[]): string {
  const head = ['#', 'figure', 'ours: median (min..max)', 'baseline: median (min..max)', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [
    r.scenario,
    r.figure,
    cell(r.value, r.unit),
    cell(r.baseline, r.unit),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    r.target?.text ?? '-',
    r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

/** The same rows as a Markdown table, for the README. */
export function formatMarkdown(rows: ResultRow[]): string {
  const head = '| # | figure | ours: median (min..max) | baseline: median (min..max) | ratio | target | result |';
  const sep = '|---|---|---|---|---|---|---|';
  const body = rows.map((r) => `| ${r.scenario} | ${r.figure} | ${cell(r.value, r.unit)} | ${cell(r.baseline, r.unit)} | ${r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`} | ${r.target?.text.replace(/\|/g, '\\|') ?? '-'} | ${r.pass === null ? 'info' : r.pass ? 'PASS' : '**FAIL**'} |`);
  return [head, sep, ...body].join('\n');
}
