import { randomBytes } from 'node:crypto';
import { basename, extname } from 'node:path';
import { AppError } from '../errors.js';

/** Batch ids become parts of Redis keys, BullMQ job ids (no ':') and folder names. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

export function validateBatchId(id: string): string {
  if (!BATCH_ID_PATTERN.test(id) || id.includes('..')) {
    throw new AppError('config', `invalid --batch "${id}": use 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return id;
}

/** A readable unique id: the file's name, the UTC time and a short random suffix, e.g. `assignments-20261127-0412-a3f9`. */
export function makeBatchId(sourcePath: string, now = new Date()): string {
  const stem =
    basename(sourcePath, extname(sourcePath))
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'batch';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stem}-${stamp}-${randomBytes(2).toString('hex')}`;
}
