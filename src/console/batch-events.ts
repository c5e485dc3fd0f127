import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { statusJson, validateBatchId, type BatchService, type BatchStatus } from './batch-service.js';
import { sendProblem } from './problem.js';
import type { RateHistory } from './rate-history.js';
import { securityHeaders } from './security-headers.js';

/** How often a stream looks at the batch: live enough for a progress bar, one HGETALL per watcher per tick. */
const POLL_MS = 500;
/** A comment line now and then keeps proxies from closing an idle stream of a slow batch. */
const HEARTBEAT_MS = 15_000;

/** What the batch page needs besides the status object: the chart's data. */
export function batchDetail(b: BatchStatus, reasons: Record<string, Record<string, number>>) {
  return {
    state: b.state,
    requests: b.requests,
    httpStatusCounts: b.httpStatusCounts,
    reasons,
    sample: { t: Date.now(), processed: b.assigned + b.alreadyMember + b.failed, requests: b.requests },
  };
}

/** Reasons by outcome, from report.json's fields. */
export async function reasonsOf(service: BatchService, batchId: string): Promise<Record<string, Record<string, number>>> {
  const r = await service.buildReport(batchId);
  return { failed: r?.failuresByReason ?? {}, invalid: r?.invalidByReason ?? {}, 'already-member': r?.alreadyMemberByReason ?? {} };
}

/**
 * `GET /api/batches/{id}/events`: `text/event-stream` of `status` events (the object `status <id> --json` prints)
 * whenever it changes, `detail` events for the charts, and one `end` event when the batch has finished. Streams
 * still open when the console closes are ended by `closeAll`.
 */
export function registerBatchEvents(app: FastifyInstance, service: BatchService, history: RateHistory): { closeAll(): void } {
  const open = new Set<() => void>();

  app.get<{ Params: { id: string } }>('/api/batches/:id/events', async (req, reply) => {
    const batchId = validateBatchId(req.params.id);
    let b = await service.getBatch(batchId);
    if (!b) return sendProblem(reply, 404, `no batch ${batchId} (it may have expired)`);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...securityHeaders(req.url), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    let closed = false;
    const stop = () => {
      closed = true;
    };
    open.add(stop);
    req.raw.on('close', stop);
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    try {
      let last = '';
      let lastWrite = Date.now();
      while (!closed) {
        const status = JSON.stringify(statusJson(b));
        if (status !== last) {
          last = status;
          const detail = batchDetail(b, await reasonsOf(service, batchId));
          history.record(batchId, detail.sample);
          send('status', statusJson(b));
          send('detail', detail);
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
          res.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        if (b.done) {
          send('end', { batchId, done: true });
          break;
        }
        await sleep(POLL_MS);
        b = (await service.getBatch(batchId)) ?? b;
      }
    } catch (err) {
      req.log.warn({ err, batchId }, 'event stream stopped');
      if (!closed) send('error', { detail: 'the console lost track of the batch (see its log)' });
    } finally {
      open.delete(stop);
      res.end();
    }
  });

  return {
    closeAll() {
      for (const stop of open) stop();
    },
  };
}
