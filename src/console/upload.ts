import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { AppError } from '../errors.js';

/** An uploaded file on disk (never whole in memory) and the form's other fields. */
export interface StagedUpload {
  /** Where the file is; its basename is the uploaded name made safe, so CSV messages name the file people know. */
  path: string;
  fileName: string;
  fields: Record<string, string>;
}

/** The uploaded file's name reduced to a safe basename (no folders, no dot-files, .csv kept). */
export function safeFileName(name: string | undefined): string {
  const base = basename(String(name ?? '').replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 100);
  return base || 'upload.csv';
}

/**
 * Streams the multipart field `file` to a fresh folder under `stagingRoot`; other parts become `fields`. The file
 * size cap is the multipart plugin's (over it: an error with statusCode 413, nothing kept). Throws AppError('config') when no file was sent.
 */
export async function receiveUpload(req: FastifyRequest, stagingRoot: string, maxUploadMb: number): Promise<StagedUpload> {
  if (!req.isMultipart()) throw new AppError('config', 'send the file as multipart/form-data in the field "file"');
  const fields: Record<string, string> = {};
  let staged: { path: string; fileName: string } | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || staged) {
        part.file.resume();
        continue;
      }
      const fileName = safeFileName(part.filename);
      const dir = await mkdtemp(join(stagingRoot, 'u-'));
      staged = { path: join(dir, fileName), fileName };
      await pipeline(part.file, createWriteStream(staged.path));
    }
  } catch (err) {
    if (staged) await discard(staged.path);
    if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw Object.assign(new Error(`the file is larger than ${maxUploadMb} MiB (the console's CONSOLE_MAX_UPLOAD_MB): split it, or raise the limit`), { statusCode: 413 });
    }
    throw err;
  }
  if (!staged) throw new AppError('config', 'the multipart field "file" is missing: choose a CSV file to upload');
  return { ...staged, fields };
}

/** Removes a staged or moved upload and its folder. */
export async function discard(path: string): Promise<void> {
  await rm(dirname(path), { recursive: true, force: true });
}

/**
 * Moves an upload into the batch's folder (`<REPORT_DIR>/<batch>/uploads/<random>/<name>`): the batch's source stays
 * readable for results.csv and a re-import, like a schedule's source copy. A random folder per upload, so a
 * different file sent under an existing batch id never replaces that batch's source.
 */
export async function keepUpload(upload: StagedUpload, batchDir: string): Promise<string> {
  const dir = join(batchDir, 'uploads', randomBytes(6).toString('hex'));
  await mkdir(dir, { recursive: true });
  const target = join(dir, upload.fileName);
  try {
    // The staging folder is under the system's temp dir, often another file system than REPORT_DIR.
    await rename(upload.path, target).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EXDEV') throw err;
      await copyFile(upload.path, target);
    });
  } catch (err) {
    throw new AppError('io', `cannot keep the uploaded file in ${batchDir}: ${(err as Error).message}`, { cause: err });
  }
  await discard(upload.path);
  return target;
}

/** A boolean form field: "true", "on" (a checked box) or "1". */
export function flag(v: string | undefined): boolean {
  return v === 'true' || v === 'on' || v === '1';
}
