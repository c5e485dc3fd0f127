import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };
// Fields every line carries, which say nothing to a person watching one run.
const QUIET = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err', 'v']);
const MAX_MESSAGE = 160;
const MAX_LINE = 400;

/**
 * One line, safe on a terminal: newlines folded to spaces and control characters (escape sequences an API message
 * might carry) dropped, so nothing from outside can move the cursor or tear the bar.
 */
function flat(text: string, max: number): string {
  /* eslint-disable no-control-regex */
  const clean = text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim();
  /* eslint-enable no-control-regex */
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

function rowLine(r: Record<string, unknown>): string {
  const reason = str(r.reason) ? ` ${str(r.reason)}` : '';
  const message = str(r.message) ? `: ${flat(str(r.message), MAX_MESSAGE)}` : '';
  return `line ${str(r.line)} ${str(r.outcome)}${reason} (${str(r.accountUserId)} → ${str(r.groupId)})${message}`;
}

/**
 * The line a person sees for one pino record: a row outcome as `line 4 failed http-404 (AUSR-… → UGR-…): message`,
 * anything else as `warning: msg (error) key=value …`. Always exactly one line, without its newline.
 */
export function terminalLine(record: Record<string, unknown>): string {
  if (record.msg === 'row outcome') return flat(rowLine(record), MAX_LINE);
  const level = LEVELS[Number(record.level)] ?? 'log';
  const err = record.err as { message?: unknown } | undefined;
  const cause = err && str(err.message) ? ` (${str(err.message)})` : '';
  const fields = Object.entries(record)
    .filter(([k, v]) => !QUIET.has(k) && str(v) !== '')
    .map(([k, v]) => `${k}=${str(v)}`)
    .join(' ');
  return flat(`${level}: ${str(record.msg)}${cause}${fields ? ` ${fields}` : ''}`, MAX_LINE);
}

/**
 * A pino destination for a terminal: each NDJSON record becomes one line handed to `write` (the progress bar's
 * log-above, so a warning never tears the bar). pino-pretty would print a multi-line block per record instead.
 */
export function terminalLogStream(write: (line: string) => void): DestinationStream {
  return {
    write(chunk: string) {
      for (const text of chunk.split('\n')) {
        if (!text) continue;
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(text) as Record<string, unknown>;
        } catch {
          record = { msg: text };
        }
        write(terminalLine(record));
      }
    },
  };
}
