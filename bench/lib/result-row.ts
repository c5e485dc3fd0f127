import type { Summary } from './summary.js';

/**
 * How a row is judged. `ratio-min`: ratio of medians (figure / baseline) at least `value`. `ratio-max`: at most.
 * `max` / `min`: an absolute bound on a figure. `worst` judges the worst repetition instead of the median, for
 * safety figures (429s, requests in a second) where one bad run is a failure.
 */
export interface Target {
  kind: 'ratio-min' | 'ratio-max' | 'max' | 'min';
  value: number;
  /** Judge the worst repetition (max for `max`, min for `min`) instead of the median. @defaultValue false */
  worst?: boolean;
  /** How the target reads in the table, e.g. ">= 0.9x". */
  text: string;
}

/** One line of the table (and of latest.json). */
export interface ResultRow {
  scenario: string;
  figure: string;
  unit: string;
  /** null when the scenario could not produce the figure (see `note`). */
  value: Summary | null;
  baseline: Summary | null;
  /** median / baseline median, or null without a baseline. */
  ratio: number | null;
  target: Target | null;
  /** null when the row is informational (no target). */
  pass: boolean | null;
  note?: string;
}

export function judge(value: Summary | null, baseline: Summary | null, target: Target | null): { ratio: number | null; pass: boolean | null } {
  if (!value) return { ratio: null, pass: target ? false : null };
  const ratio = baseline && baseline.median !== 0 ? value.median / baseline.median : null;
  if (!target) return { ratio, pass: null };
  switch (target.kind) {
    case 'ratio-min':
      return { ratio, pass: ratio !== null && ratio >= target.value };
    case 'ratio-max':
      return { ratio, pass: ratio !== null && ratio <= target.value };
    case 'max':
      return { ratio, pass: (target.worst ? value.max : value.median) <= target.value };
    case 'min':
      return { ratio, pass: (target.worst ? value.min : value.median) >= target.value };
  }
}

/** Builds a judged row. */
export function row(scenario: string, figure: string, unit: string, value: Summary | null, baseline: Summary | null, target: Target | null, note?: string): ResultRow {
  return { scenario, figure, unit, value, baseline, ...judge(value, baseline, target), target, ...(note ? { note } : {}) };
}

/** A row for a scenario that threw: it fails, and says why. */
export function errorRow(scenario: string, err: unknown): ResultRow {
  const message = err instanceof Error ? err.message : String(err);
  return { scenario, figure: 'scenario error', unit: '', value: null, baseline: null, ratio: null, target: null, pass: false, note: message.slice(0, 500) };
}
