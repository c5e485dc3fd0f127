/**
 * The last guard before an id becomes part of a URL: at most 64 characters, no URL syntax (`/ ? # % \`), no
 * whitespace or control characters, not `.` or `..`. Stricter per-field patterns are checked when the CSV is read.
 */
export function isSafeId(id: string): boolean {
  if (id.length === 0 || id.length > 64 || id === '.' || id === '..') return false;
  // eslint-disable-next-line no-control-regex
  return !/[/?#%\\\s\u0000-\u001f\u007f]/.test(id);
}
