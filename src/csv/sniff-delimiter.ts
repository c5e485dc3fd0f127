export type Delimiter = ',' | ';' | '\t';

// Listed in order of preference: a tie (including "none found", a one-column header) goes to the earlier one.
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t'];

/**
 * Picks the delimiter from the header line: the candidate that occurs most often outside quotes in the first line of
 * `head` (the start of the file) that holds more than whitespace and delimiters, the same lines the reader skips as
 * blank. Only the header is looked at because data rows may hold free text full of commas, while header names rarely
 * contain a delimiter.
 */
export function sniffDelimiter(head: Uint8Array): Delimiter {
  // Non-fatal and BOM-stripping: the head may end inside a multi-byte character, and bad bytes are the reader's
  // to report, with a line number.
  const text = new TextDecoder('utf-8').decode(head);
  let counts = [0, 0, 0];
  // Delimiters on lines without text (`;;` rows): only used when no line has text, so that such rows are still
  // recognised as empty records and the file is reported as empty.
  const blankLineCounts = [0, 0, 0];
  let quoted = false;
  let lineHasText = false;
  for (const ch of text) {
    if (ch === '"') {
      // A doubled quote inside a quoted field toggles twice, so it needs no special case.
      quoted = !quoted;
      lineHasText = true;
    } else if (quoted) {
      continue;
    } else if (ch === '\n' || ch === '\r') {
      if (lineHasText) return mostFrequent(counts);
      counts.forEach((count, index) => (blankLineCounts[index] = (blankLineCounts[index] ?? 0) + count));
      counts = [0, 0, 0];
    } else {
      const index = CANDIDATES.indexOf(ch as Delimiter);
      if (index >= 0) counts[index] = (counts[index] ?? 0) + 1;
      else if (ch !== ' ' && ch !== '\f') lineHasText = true;
    }
  }
  return mostFrequent(lineHasText ? counts : blankLineCounts.map((count, index) => count + (counts[index] ?? 0)));
}

function mostFrequent(counts: readonly number[]): Delimiter {
  let best = 0;
  counts.forEach((count, index) => {
    if (count > (counts[best] ?? 0)) best = index;
  });
  return CANDIDATES[best] ?? ',';
}
