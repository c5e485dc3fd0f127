import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors.js';
import { reasonsOf } from './batch-events.js';
import { validateBatchId, validateScheduleName, type BatchService } from './batch-service.js';
import type { SafeHtml } from './html.js';
import { batchPage } from './pages/batch-page.js';
import { batchesPage } from './pages/batches-page.js';
import { schedulesPage } from './pages/schedules-page.js';
import type { RateHistory } from './rate-history.js';

export const page = (reply: FastifyReply, body: SafeHtml, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body.text);

/** The batch and schedule pages. Actions are plain form posts answered with a redirect. */
export function registerPageRoutes(app: FastifyInstance, service: BatchService, history: RateHistory): void {
  app.get('/', async (_req, reply) => page(reply, batchesPage(await service.listBatches())));

  app.get<{ Params: { id: string }; Querystring: { retried?: string } }>('/batches/:id', async (req, reply) => {
    const batchId = validateBatchId(req.params.id);
    const batch = await service.getBatch(batchId);
    if (!batch) throw new AppError('not-found', `no batch ${batchId} (it may have expired)`);
    const reasons = await reasonsOf(service, batchId);
    history.record(batchId, { t: Date.now(), processed: batch.assigned + batch.alreadyMember + batch.failed, requests: batch.requests });
    const retried = req.query.retried;
    const notice = retried === undefined ? undefined : retried === '0' ? 'Nothing to retry with those reasons.' : `${retried} rows back to work; a worker will process them.`;
    return page(reply, batchPage({ batch, reasons, history: history.samples(batchId), failures: await service.firstFailures(batchId, 20), notice }));
  });

  app.post<{ Params: { id: string }; Body: { mode?: string; reasons?: string | string[] } }>('/batches/:id/retry', async (req, reply) => {
    const batchId = validateBatchId(req.params.id);
    const body = req.body ?? {};
    const chosen = body.reasons === undefined ? [] : Array.isArray(body.reasons) ? body.reasons : [body.reasons];
    if (body.mode === 'chosen' && chosen.length === 0) return reply.redirect(`/batches/${encodeURIComponent(batchId)}?retried=0`, 303);
    const res = await service.retry(batchId, body.mode === 'chosen' ? { reasons: chosen } : {});
    return reply.redirect(`/batches/${encodeURIComponent(batchId)}?retried=${res.retried}`, 303);
  });

  app.get<{ Querystring: { queued?: string } }>('/schedules', async (req, reply) => {
    const queued = req.query.queued;
    return page(reply, schedulesPage(await service.listSchedules(), queued ? `Queued a tick: a worker will import it as batch ${queued}.` : undefined));
  });

  app.post<{ Params: { name: string } }>('/schedules/:name/run-now', async (req, reply) => {
    const tick = await service.runNow(validateScheduleName(req.params.name));
    return reply.redirect(`/schedules?queued=${encodeURIComponent(tick.batchId)}`, 303);
  });
}
