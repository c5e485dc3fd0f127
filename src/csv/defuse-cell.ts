/**
 * OWASP CSV-injection defusing. A spreadsheet treats a cell starting with `= + - @`, tab or CR as a formula, so the
 * report writer prefixes such cells with `'` and the reader drops that prefix again, which lets a failures report be
 * re-imported unchanged.
 *
 * A value that already starts with quotes followed by a trigger (`'=x`, `''=x`) gets one more quote too; otherwise
 * the reader could not tell a written `'=x` from a defused `=x`, and the round trip would lose the quote.
 */
const NEEDS_PREFIX = /^'*[=+\-@\t\r]/;

/** Prefixes `'` when a spreadsheet could read `value` as a formula (see module comment). */
export function defuseCell(value: string): string {
  return NEEDS_PREFIX.test(value) ? `'${value}` : value;
}

/** Inverse of {@link defuseCell}: `undefuseCell(defuseCell(v)) === v` for every string `v`. */
export function undefuseCell(value: string): string {
  // Only a quote that defuseCell could have added is dropped: one in front of something it would prefix.
  return value.startsWith("'") && NEEDS_PREFIX.test(value.slice(1)) ? value.slice(1) : value;
}
