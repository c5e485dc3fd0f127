/**
 * Makes a value safe to put in a one-line message: control characters (newlines included) become one space, and
 * the result is cut at `max` characters. Chat webhooks show `text` as it is, so a file name with a newline must not
 * break it into lines.
 */
export function oneLine(value: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `75.2` -> `1m 15s`; under a minute `12.3s`; hours as `2h 3m`. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return h > 0 ? `${h}h ${m}m` : `${m}m ${s}s`;
}
