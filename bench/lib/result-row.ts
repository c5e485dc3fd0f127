import { summarize, type Summary } from './summary.js';

/**
 * How a row is judged. `ratio-min`: the ratio (see {@link ratioOf}) at least `value`. `ratio-max`: at most.
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
  /** See {@link ratioOf}; null without a baseline. */
  ratio: number | null;
  /** Our median over the baseline's median (the same as `ratio` with one repetition); null without a baseline. */
  ratioOfMedians: number | null;
  target: Target | null;
  /** null when the row is informational (no target). */
  pass: boolean | null;
  note?: string;
}

/** Our median over the baseline's median; null without a baseline (or with a median of 0). */
function ratioOfMedians(value: Summary, baseline: Summary | null): number | null {
  return baseline && baseline.median !== 0 ? value.median / baseline.median : null;
}

/**
 * Ours against the baseline. When both sides have one value per repetition (each repetition runs ours and then the
 * baseline, back to back), the median of the per-repetition ratios: the machine's speed drifts by a third within
 * minutes, and a pair measured seconds apart shares its drift, while the two medians can come from different
 * minutes. When the baseline has one value more than ours, it **brackets** ours (baseline, ours, baseline, ours, ...,
 * baseline: each of ours runs between two baseline runs, the one after it shared with the next): each repetition is
 * set against the mean of the baseline runs on either side of it, which cancels a drift that goes one way over the
 * three runs instead of charging all of it to whichever side ran second. Otherwise (a fixed baseline, or other
 * counts) our median over the baseline's median.
 */
export function ratioOf(value: Summary, baseline: Summary | null): number | null {
  const n = value.values.length;
  const b = baseline?.values ?? [];
  if (n > 1 && b.length === n && b.every((x) => x !== 0)) {
    return summarize(value.values.map((v, i) => v / b[i]!)).median;
  }
  if (n >= 1 && b.length === n + 1 && b.every((x) => x !== 0)) {
    return summarize(value.values.map((v, i) => v / ((b[i]! + b[i + 1]!) / 2))).median;
  }
  return ratioOfMedians(value, baseline);
}

function passes(value: Summary, ratio: number | null, target: Target): boolean {
  switch (target.kind) {
    case 'ratio-min':
      return ratio !== null && ratio >= target.value;
    case 'ratio-max':
      return ratio !== null && ratio <= target.value;
    case 'max':
      return (target.worst ? value.max : value.median) <= target.value;
    case 'min':
      return (target.worst ? value.min : value.median) >= target.value;
  }
}

export function judge(value: Summary | null, baseline: Summary | null, target: Target | null): { ratio: number | null; ratioOfMedians: number | null; pass: boolean | null } {
  if (!value) return { ratio: null, ratioOfMedians: null, pass: target ? false : null };
  const ratio = ratioOf(value, baseline);
  return { ratio, ratioOfMedians: ratioOfMedians(value, baseline), pass: target ? passes(value, ratio, target) : null };
}

/** Builds a judged row. */
export function row(scenario: string, figure: string, unit: string, value: Summary | null, baseline: Summary | null, target: Target | null, note?: string): ResultRow {
  return { scenario, figure, unit, value, baseline, ...judge(value, baseline, target), target, ...(note ? { note } : {}) };
}

/** A row for a scenario that threw: it fails, and says why. */
export function errorRow(scenario: string, err: unknown): ResultRow {
  const message = err instanceof Error ? err.message : String(err);
  return { scenario, figure: 'scenario error', unit: '', value: null, baseline: null, ratio: null, ratioOfMedians: null, target: null, pass: false, note: message.slice(0, 500) };
}
