import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/bulk-assign.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Runs the real CLI as a child process (the compiled build, as users run it) and collects its output. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // 'close', not 'exit': at 'exit' the child's stdout and stderr may still hold output not yet read.
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/** Starts the CLI and leaves it running (workers); `killAllChildren` in afterEach makes sure none leaks. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  // Listened for from the start, so stopped() works however long after the child ended it is called.
  closedOf.set(child, once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>);
  return child;
}

const closedOf = new WeakMap<ChildProcess, Promise<[number | null, NodeJS.Signals | null]>>();

/**
 * Resolves with the exit code and signal of a child spawnCli started, once it has exited and all its output has been
 * read ('close'). Not 'exit': at 'exit' its stdout and stderr may still hold lines it wrote, which collect() has not
 * seen yet.
 */
export function stopped(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  const closed = closedOf.get(child);
  if (!closed) throw new Error('stopped() is for children started by spawnCli');
  return closed;
}

/** Collects a running child's output as it comes. */
export function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout: () => out, stderr: () => err };
}

/** Leak guard: a test that leaves a child running fails, and the child is killed. */
export async function killAllChildren(): Promise<number> {
  const leaked = [...running];
  for (const c of leaked) {
    c.kill('SIGKILL');
    if (c.exitCode === null && c.signalCode === null) await once(c, 'exit');
  }
  running.clear();
  return leaked.length;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
