import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { registerApiRoutes } from './api-routes.js';
import { authHook, Sessions } from './auth.js';
import { registerBatchEvents } from './batch-events.js';
import { openBatchService, type BatchService } from './batch-service.js';
import { registerBullBoard } from './bull-board.js';
import type { ConsoleOptions } from './console-options.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { registerLoginRoutes } from './login-routes.js';
import { registerPageRoutes } from './page-routes.js';
import { describeError, sendProblem } from './problem.js';
import { RateHistory } from './rate-history.js';
import { securityHeaders } from './security-headers.js';
import { StagedUploads } from './staged-uploads.js';
import { registerStaticRoutes } from './static-routes.js';
import { registerUploadRoutes } from './upload-routes.js';

export interface RunningConsole {
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string;
  /** Stops taking requests, ends open event streams, closes Redis and removes staged uploads. Safe to call twice. */
  close(): Promise<void>;
}

/** Answered as problem+json rather than an HTML page. */
function wantsProblem(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url.startsWith('/queues/api/') || !(req.headers.accept ?? '').includes('text/html');
}

function answerError(req: FastifyRequest, reply: FastifyReply, status: number, detail: string) {
  if (wantsProblem(req)) return sendProblem(reply, status, detail);
  const body = layout({ title: `Error ${status}` }, html`<h1>Error ${status}</h1><p class="error" role="alert">${detail}</p><p><a href="/">Back to the batches</a></p>`);
  return reply.code(status).type('text/html; charset=utf-8').send(body.text);
}

/**
 * Starts the web console and JSON API over the same Redis, batches and schedules as the CLI. It reads and enqueues;
 * it never runs jobs (workers do).
 */
export async function startConsole(config: Config, options: ConsoleOptions, log: Logger): Promise<RunningConsole> {
  const service: BatchService = await openBatchService(config, log);
  const stagingRoot = await mkdtemp(join(tmpdir(), 'bulk-assign-console-'));
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), trustProxy: options.trustProxy, forceCloseConnections: true });
  let closing: Promise<void> | undefined;
  const events = { closeAll: () => undefined as void };
  const close = () => {
    closing ??= (async () => {
      events.closeAll();
      await app.close().catch((err: unknown) => log.warn({ err }, 'console: error while closing the server'));
      await service.close();
      await rm(stagingRoot, { recursive: true, force: true });
    })();
    return closing;
  };

  try {
    await app.register(fastifyCookie);
    await app.register(fastifyFormbody);
    // The cap applies while the file streams to disk; the part over it is never written (413).
    await app.register(fastifyMultipart, { limits: { fileSize: Math.floor(options.maxUploadMb * 1024 * 1024), files: 1, fields: 20, fieldSize: 4096, parts: 30 } });
    app.addHook('onRequest', async (req, reply) => {
      reply.headers(securityHeaders(req.url));
      if (req.url.startsWith('/assets/')) reply.header('cache-control', 'public, max-age=3600');
    });
    const sessions = new Sessions();
    app.addHook('onRequest', authHook(options.token, sessions));
    app.setErrorHandler((err, req, reply) => {
      const { status, detail, expected } = describeError(err);
      if (!expected) req.log.error({ err, url: req.url.split('?')[0] }, 'console request failed');
      return answerError(req, reply, status, detail);
    });
    app.setNotFoundHandler((req, reply) => answerError(req, reply, 404, `nothing at ${req.url.split('?')[0]}`));

    registerStaticRoutes(app);
    registerLoginRoutes(app, options.token, sessions);
    const history = new RateHistory();
    Object.assign(events, registerBatchEvents(app, service, history));
    registerApiRoutes(app, service, stagingRoot, options.maxUploadMb);
    registerPageRoutes(app, service, history);
    registerUploadRoutes(app, service, new StagedUploads(), stagingRoot, options.maxUploadMb);
    await registerBullBoard(app, service.queues());

    await app.listen({ port: options.port, host: options.host });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, close };
}
