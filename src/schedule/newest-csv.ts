import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The newest `*.csv` (by modification time, then name) directly in `dir`, or undefined when there is none. Hidden
 * files (`.name.csv`) are left out: a producer that writes under a hidden or non-.csv name and renames when done
 * never has a half-written file picked up.
 */
export async function newestCsv(dir: string): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true });
  let best: { path: string; mtime: number; name: string } | undefined;
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.') || !/\.csv$/i.test(e.name)) continue;
    const path = join(dir, e.name);
    const s = await stat(path).catch(() => undefined);
    if (!s) continue;
    if (!best || s.mtimeMs > best.mtime || (s.mtimeMs === best.mtime && e.name > best.name)) best = { path, mtime: s.mtimeMs, name: e.name };
  }
  return best?.path;
}
