import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.js';

/** A private copy of the file being imported, and the sha256 of its bytes. */
export interface ImportSnapshot {
  path: string;
  fingerprint: string;
  /** Removes the copy; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Copies the file once, through one open descriptor, hashing it on the way, before anything is written to Redis.
 * Both import passes then read the copy: a file replaced (renamed over) or deleted while it is imported changes
 * nothing, and one rewritten in place while it is copied is refused here (its size or mtime moved), so the batch
 * always holds exactly the rows of the bytes it validated, or nothing at all.
 */
export async function takeSnapshot(path: string, hooks: { afterCopy?: () => Promise<void> } = {}): Promise<ImportSnapshot> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new AppError('io', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const dir = await mkdtemp(join(tmpdir(), 'bulk-assign-import-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const before = await handle.stat();
    const copy = join(dir, basename(path));
    const hash = createHash('sha256');
    let bytes = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(handle.createReadStream({ start: 0, autoClose: false }), hashing, createWriteStream(copy));
    // Tests change the file here, the moment a concurrent writer would have to hit.
    await hooks.afterCopy?.();
    const after = await handle.stat();
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.size !== bytes) {
      throw new AppError('io', `${basename(path)} changed while it was being read: nothing was queued; import it again once it is complete`);
    }
    return { path: copy, fingerprint: hash.digest('hex'), dispose };
  } catch (err) {
    await dispose();
    if (err instanceof AppError) throw err;
    throw new AppError('io', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    await handle.close();
  }
}
