import type { FastifyInstance } from 'fastify';
import { importUpload } from './api-routes.js';
import { validateBatchId, type BatchService } from './batch-service.js';
import { planUpload } from './file-plan.js';
import { page } from './page-routes.js';
import { planPage, uploadForm, type UploadChoices } from './pages/upload-page.js';
import { describeError } from './problem.js';
import type { StagedUploads } from './staged-uploads.js';
import { discard, flag, receiveUpload } from './upload.js';

/**
 * The upload page: POST /upload checks the file and shows the plan (the file waits on the server), POST
 * /upload/start imports it. Errors people can fix come back on the form, with what they chose.
 */
export function registerUploadRoutes(app: FastifyInstance, service: BatchService, staged: StagedUploads, stagingRoot: string, maxUploadMb: number): void {
  app.get('/upload', async (_req, reply) => page(reply, uploadForm(maxUploadMb)));

  app.post('/upload', async (req, reply) => {
    const upload = await receiveUpload(req, stagingRoot, maxUploadMb);
    const choices: UploadChoices = { batch: (upload.fields.batch ?? '').trim(), skipExisting: flag(upload.fields.skipExisting), looseIds: flag(upload.fields.looseIds) };
    try {
      if (choices.batch) validateBatchId(choices.batch);
      const plan = await planUpload(upload.path, choices.looseIds);
      const inPlace = choices.skipExisting ? ((await service.dryRun(upload.path, { looseIds: choices.looseIds, skipExisting: true })) as { toAssign: number; alreadyInPlace: number; unknownUsers: number }) : undefined;
      return page(reply, planPage(staged.add(upload), upload.fileName, plan, choices, inPlace));
    } catch (err) {
      await discard(upload.path);
      const { status, detail, expected } = describeError(err);
      if (!expected) throw err;
      return page(reply, uploadForm(maxUploadMb, detail, choices), status);
    }
  });

  app.post<{ Body: Record<string, string | undefined> }>('/upload/start', async (req, reply) => {
    const body = req.body ?? {};
    const upload = staged.take(String(body.upload ?? ''));
    const choices: UploadChoices = { batch: body.batch ?? '', skipExisting: flag(body.skipExisting), looseIds: flag(body.looseIds) };
    if (!upload) return page(reply, uploadForm(maxUploadMb, 'that upload is no longer waiting (started already, or older than an hour): upload the file again', choices), 410);
    try {
      const res = await importUpload(service, upload, { batch: choices.batch || undefined, looseIds: choices.looseIds, skipExisting: choices.skipExisting });
      return reply.redirect(`/batches/${encodeURIComponent(res.batchId)}`, 303);
    } catch (err) {
      await discard(upload.path);
      const { status, detail, expected } = describeError(err);
      if (!expected) throw err;
      return page(reply, uploadForm(maxUploadMb, detail, choices), status);
    }
  });

}
