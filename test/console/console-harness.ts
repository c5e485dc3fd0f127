import type { ChildProcess } from 'node:child_process';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { startE2E, type E2E } from '../helpers/e2e.js';

/** A console started as users start it (`bulk-assign serve` as a child process) over an E2E environment. */
export interface ConsoleHarness {
  e: E2E;
  url: string;
  consoleToken: string;
  /** fetch against the console, with the bearer token unless `auth: false`. */
  api(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  /** Starts a worker child (stopped by stopWorkers or the leak guard). */
  startWorker(env?: Record<string, string>): ChildProcess;
  stopWorkers(): Promise<void>;
  /** Everything the console wrote to stdout/stderr so far. */
  output(): string;
  close(): Promise<void>;
}

export const CONSOLE_TOKEN = 'console-test-token-0123456789abcdef';

export async function startConsoleHarness(name: string, env: Record<string, string> = {}): Promise<ConsoleHarness> {
  const e = await startE2E(name);
  const child = spawnCli(['serve', '--port', '0'], e.env({ CONSOLE_TOKEN, S1_MAX_ATTEMPTS: '1', ...env }));
  const out = collect(child);
  const url = await waitFor('the console to listen', () => /console on (http:\/\/\S+)/.exec(out.stderr())?.[1], 30_000);
  const workers: ChildProcess[] = [];
  const stopWorkers = async () => {
    for (const w of workers.splice(0)) {
      if (w.exitCode !== null || w.signalCode !== null) continue;
      w.kill('SIGTERM');
      await stopped(w);
    }
  };
  return {
    e,
    url,
    consoleToken: CONSOLE_TOKEN,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.auth !== false) headers.set('authorization', `Bearer ${CONSOLE_TOKEN}`);
      return fetch(url + path, { ...init, headers, redirect: 'manual' });
    },
    startWorker(extra = {}) {
      const w = spawnCli(['worker'], e.env({ S1_MAX_ATTEMPTS: '1', ...extra }));
      workers.push(w);
      return w;
    },
    stopWorkers,
    output: () => out.stdout() + out.stderr(),
    async close() {
      await stopWorkers();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await stopped(child);
      }
      await e.close();
    },
  };
}

/** A multipart body with `file` (named `fileName`) and string fields. */
export function uploadForm(fileName: string, content: string | Uint8Array, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([content], { type: 'text/csv' }), fileName);
  return form;
}
