import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. The bench runs compiled, from dist/bench/lib/. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The CLI as users run it (the compiled build). */
export const CLI = join(ROOT, 'bin', 'bulk-assign.js');

/** A compiled baseline script, by file name without extension (bench/baselines/<name>.ts). */
export function baselineScript(name: string): string {
  return join(ROOT, 'dist', 'bench', 'baselines', `${name}.js`);
}

/** Where latest.json and CPU profiles go. */
export const RESULTS_DIR = join(ROOT, 'bench', 'results');
