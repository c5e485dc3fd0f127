import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAssignments, type ReadAssignmentsOptions, type RowResult } from '../../src/csv/index.js';
import { AppError } from '../../src/errors.js';

/** Absolute path of a file in test/fixtures/csv. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));
}

export async function readAll(path: string, options?: ReadAssignmentsOptions): Promise<RowResult[]> {
  const rows: RowResult[] = [];
  for await (const row of readAssignments(path, options)) rows.push(row);
  return rows;
}

/** The AppError that reading the whole file throws; fails the test when it throws something else or nothing. */
export async function readError(path: string, options?: ReadAssignmentsOptions): Promise<AppError> {
  try {
    await readAll(path, options);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error(`reading ${path} did not fail`);
}

export interface TempDir {
  dir: string;
  /** Writes a file into the dir and returns its path. */
  file: (name: string, content: string | Buffer) => Promise<string>;
  remove: () => Promise<void>;
}

/** A fresh temp dir for generated files, removed by `remove`. */
export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'bulk-assign-csv-'));
  return {
    dir,
    file: async (name, content) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Account user id number `n` in the documented shape. */
export function userId(n: number): string {
  const digits = String(n).padStart(12, '0');
  return `AUSR-${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`;
}

/** Group id number `n` in the documented shape. */
export function groupId(n: number): string {
  const digits = String(n).padStart(8, '0');
  return `UGR-${digits.slice(0, 4)}-${digits.slice(4)}`;
}
