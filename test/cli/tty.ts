import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI } from '../helpers/cli.js';

export interface TtyResult {
  code: number | null;
  /** What the terminal received (stdout and stderr together, as a person sees them), escape sequences included. */
  raw: string;
  /** The screen's lines, roughly: escape sequences gone, a line redrawn with `\r` or cursor moves kept as last drawn. */
  lines: string[];
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the real CLI on a pseudo-terminal (util-linux `script`), so stdout and stderr are TTYs as on a person's
 * screen. `stty cols` gives it a known width, so the bar never wraps.
 */
export async function runInTty(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<TtyResult> {
  const command = `stty cols 200; exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...env, TERM: 'xterm' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
  child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, raw, lines: screenLines(raw) };
}

function screenLines(raw: string): string[] {
  return (
    raw
      // "cursor to column 1" starts the line again, like a carriage return.
      .replace(/\u001b\[1G/g, '\r') // eslint-disable-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '') // eslint-disable-line no-control-regex
      .split('\n')
      .map((l) => (l.split('\r').filter((part) => part.trim() !== '').pop() ?? '').trimEnd())
      .filter((l) => l !== '')
  );
}
