/**
 * The one rule for an id that may become part of a URL path: 1 to 64 characters (code points), none of
 * `/ ? # % \`, whitespace or control characters, and not `.` or `..` (path segments of their own:
 * /account-users/../groups would address another resource). The CSV reader applies it to `--loose-ids`; the S1
 * client applies it again before every request.
 */
const SAFE_SHAPE = /^[^/?#%\\\s\p{Cc}]{1,64}$/u;

export function isSafeId(id: string): boolean {
  return SAFE_SHAPE.test(id) && id !== '.' && id !== '..';
}
