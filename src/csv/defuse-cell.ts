/**
 * Makes a cell safe to open in a spreadsheet, and reversibly so: the report writer applies {@link defuseCell} to
 * every cell of failures.csv, and the reader applies {@link undefuseCell} to the id cells, which lets a failures
 * report be re-imported unchanged.
 *
 * Two things are defused:
 * - Control characters other than tab, LF and CR (C0 and DEL) are written as their Unicode control pictures
 *   (NUL as U+2400 "␀", DEL as U+2421 "␡"). A raw NUL makes many CSV readers stop or drop the line, and the rest are
 *   invisible in a spreadsheet, so the row would look as if its id were fine. Tab, LF and CR stay: CSV quoting
 *   carries them, and messages use them. The reader turns the pictures back into the characters, so a re-imported id
 *   is refused exactly as it was the first time (no valid id holds a control character or a control picture).
 * - OWASP CSV injection: a spreadsheet treats a cell starting with `= + - @`, tab or CR as a formula, so such cells
 *   get a `'` in front. A value that already starts with quotes followed by a trigger (`'=x`, `''=x`) gets one more
 *   quote too; otherwise the reader could not tell a written `'=x` from a defused `=x`, and the round trip would
 *   lose the quote.
 */
const NEEDS_PREFIX = /^'*[=+\-@\t\r]/;

// Every control character; the replacer keeps tab, LF, CR and C1 (which has no pictures) as they are.
const CONTROL = /\p{Cc}/gu;
const KEPT = new Set(['\t', '\n', '\r']);
const PICTURE = /[\u2400-\u2408\u240b\u240c\u240e-\u241f\u2421]/g;
// The same class without /g: a test is ~5x cheaper than a replace that finds nothing, and the reader undefuses two
// cells of every row of a million-row file, almost none holding a picture.
const HAS_PICTURE = new RegExp(PICTURE.source);
const DEL = 0x7f;
const DEL_PICTURE = 0x2421;
const PICTURES_START = 0x2400;

const toPicture = (ch: string): string => {
  const code = ch.charCodeAt(0);
  if (KEPT.has(ch) || code > DEL) return ch;
  return String.fromCharCode(code === DEL ? DEL_PICTURE : PICTURES_START + code);
};
const fromPicture = (ch: string): string => {
  const code = ch.charCodeAt(0);
  return String.fromCharCode(code === DEL_PICTURE ? DEL : code - PICTURES_START);
};

/** The cell as failures.csv holds it: control characters pictured, `'` in front of a formula (see module comment). */
export function defuseCell(value: string): string {
  const visible = value.replace(CONTROL, toPicture);
  return NEEDS_PREFIX.test(visible) ? `'${visible}` : visible;
}

/**
 * Inverse of {@link defuseCell}: `undefuseCell(defuseCell(v)) === v` for every string `v` without control pictures
 * (a picture in a file being imported is read as the control character it shows; no valid id holds either).
 */
export function undefuseCell(value: string): string {
  // Only a quote that defuseCell could have added is dropped: one in front of something it would prefix.
  const unquoted = value.startsWith("'") && NEEDS_PREFIX.test(value.slice(1)) ? value.slice(1) : value;
  return HAS_PICTURE.test(unquoted) ? unquoted.replace(PICTURE, fromPicture) : unquoted;
}
