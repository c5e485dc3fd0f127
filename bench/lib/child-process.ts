import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/** A node child process the bench started, with its output and its peak resident memory. */
export interface NodeChild {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** ms (performance.now) when it was spawned. */
  readonly startedAt: number;
  stdout(): string;
  stderr(): string;
  /** Highest VmHWM seen so far, in bytes (sampled from /proc every `sampleMs`). */
  peakRss(): number;
  /** Resolves when it exits: exit code, signal, and ms since spawn. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** A memory field of /proc/<pid>/status in bytes (VmHWM: peak resident set, VmRSS: current); 0 once it is gone. */
export function readProcMemory(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts `node [nodeArgs] script [args]` directly (no shell, so the pid is node's own) and samples its peak RSS.
 * VmHWM only grows, so the last sample before exit is within one interval of the true peak.
 */
export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv, options: { nodeArgs?: string[]; sampleMs?: number; cwd?: string } = {}): NodeChild {
  const startedAt = performance.now();
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${script}`);
  const pid = proc.pid;
  running.add(proc);
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  let peak = 0;
  const sample = () => {
    const v = readProcMemory(pid, 'VmHWM');
    if (v > peak) peak = v;
  };
  const timer = setInterval(sample, options.sampleMs ?? 50);
  const exited = once(proc, 'exit').then(([code, signal]) => {
    clearInterval(timer);
    running.delete(proc);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, elapsedMs: performance.now() - startedAt };
  });
  return {
    proc,
    pid,
    startedAt,
    stdout: () => out,
    stderr: () => err,
    peakRss: () => peak,
    exited,
    async stop(graceMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs a child to completion; throws with its stderr when it exits non-zero. */
export async function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, options: { nodeArgs?: string[]; timeoutMs?: number; cwd?: string } = {}) {
  const child = spawnNode(script, args, env, options);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const res = await child.exited;
  clearTimeout(timer);
  if (res.code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${res.code ?? res.signal}: ${child.stderr().trim().slice(-2000)}`);
  return { ...res, startedAt: child.startedAt, stdout: child.stdout(), stderr: child.stderr(), peakRss: child.peakRss() };
}

/** Kills every child still running (on a crash of the bench itself): none may outlive it. */
export function killAllChildren(): void {
  for (const p of running) p.kill('SIGKILL');
  running.clear();
}
