import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { makeBatchId, scheduleJson, statusJson, validateBatchId, validateScheduleName, type BatchService } from './batch-service.js';
import { sendProblem } from './problem.js';
import { discard, flag, keepUpload, receiveUpload, type StagedUpload } from './upload.js';

export const REPORT_FILES = {
  'report.json': 'application/json; charset=utf-8',
  'failures.csv': 'text/csv; charset=utf-8',
  'results.csv': 'text/csv; charset=utf-8',
} as const;
export type ReportFile = keyof typeof REPORT_FILES;

/**
 * A report file of the batch: the one on disk while it is current (written when the batch finished, or later),
 * else written now.
 */
export async function reportFilePath(service: BatchService, batchId: string, file: ReportFile): Promise<string> {
  const b = await service.getBatch(batchId);
  if (!b) throw new AppError('not-found', `no batch ${batchId} (it may have expired)`);
  const path = join(service.batchDir(batchId), file);
  const st = await stat(path).catch(() => undefined);
  if (st && b.finishedAt && st.mtimeMs >= Date.parse(b.finishedAt)) return path;
  return service.writeReportFile(batchId, file);
}

/**
 * Imports an upload as a new batch (the file moves into the batch's folder first, and is removed again if the
 * import refuses it). Shared by the API and the upload page.
 */
export async function importUpload(service: BatchService, upload: StagedUpload, o: { batch?: string | undefined; looseIds: boolean; skipExisting: boolean }) {
  const batchId = o.batch ? validateBatchId(o.batch) : makeBatchId(upload.fileName);
  const source = await keepUpload(upload, service.batchDir(batchId));
  try {
    return await service.importFile(source, { batchId, looseIds: o.looseIds, skipExisting: o.skipExisting });
  } catch (err) {
    // A file nothing was imported from is not kept; one that may have been imported in part stays for a re-run.
    if (err instanceof AppError && ['csv-header', 'csv-structure', 'batch-conflict', 'config'].includes(err.code)) await discard(source);
    throw err;
  }
}

/** The JSON API (see the README's table). Errors are problem+json through the app's error handler. */
export function registerApiRoutes(app: FastifyInstance, service: BatchService, stagingRoot: string, maxUploadMb: number): void {
  app.get('/api/batches', async () => service.listBatches());

  app.post('/api/batches', async (req, reply) => {
    const upload = await receiveUpload(req, stagingRoot, maxUploadMb);
    try {
      const looseIds = flag(upload.fields.looseIds);
      const skipExisting = flag(upload.fields.skipExisting);
      if (flag(upload.fields.dryRun)) return reply.code(200).send(await service.dryRun(upload.path, { looseIds, skipExisting }));
      return reply.code(201).send(await importUpload(service, upload, { batch: upload.fields.batch, looseIds, skipExisting }));
    } finally {
      await discard(upload.path);
    }
  });

  app.get<{ Params: { id: string } }>('/api/batches/:id', async (req, reply) => {
    const batchId = validateBatchId(req.params.id);
    const b = await service.getBatch(batchId);
    if (!b) return sendProblem(reply, 404, `no batch ${batchId} (it may have expired)`);
    return statusJson(b);
  });

  app.get<{ Params: { id: string; file: string } }>('/api/batches/:id/:file', async (req, reply) => {
    const batchId = validateBatchId(req.params.id);
    const file = req.params.file as ReportFile;
    if (!Object.hasOwn(REPORT_FILES, file)) return sendProblem(reply, 404, `no such report file: ${req.params.file} (report.json, failures.csv or results.csv)`);
    const path = await reportFilePath(service, batchId, file);
    reply.type(REPORT_FILES[file]).header('content-disposition', `attachment; filename="${batchId}-${file}"`);
    return reply.send(createReadStream(path));
  });

  app.post<{ Params: { id: string }; Body: { reasons?: unknown; all?: unknown } | undefined }>('/api/batches/:id/retry', async (req) => {
    const batchId = validateBatchId(req.params.id);
    const body = req.body ?? {};
    const reasons = body.reasons;
    if (reasons !== undefined && (!Array.isArray(reasons) || !reasons.every((r) => typeof r === 'string'))) throw new AppError('config', 'reasons must be an array of strings, e.g. ["http-503"]');
    if (body.all !== undefined && typeof body.all !== 'boolean') throw new AppError('config', 'all must be true or false');
    return service.retry(batchId, { reasons: reasons as string[] | undefined, all: body.all as boolean | undefined });
  });

  app.get('/api/schedules', async () => (await service.listSchedules()).map(scheduleJson));

  app.post<{ Params: { name: string } }>('/api/schedules/:name/run-now', async (req) => service.runNow(validateScheduleName(req.params.name)));
}
