import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AppError } from '../errors.js';

/** sha256 of the file's bytes, streamed: recognises "the same file again" without holding it in memory. */
export async function fileFingerprint(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new AppError('io', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return hash.digest('hex');
}
