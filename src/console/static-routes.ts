import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_CSS } from './assets/console-css.js';
import { CONSOLE_SCRIPT } from './assets/console-script.js';

/** chart.js's self-contained UMD build, read from node_modules (its package exports do not name it, its folder does). */
function chartJsPath(): string {
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
}

/** /assets/*: the stylesheet, the client script and chart.js, all from this server (never a CDN). Public: no data. */
export function registerStaticRoutes(app: FastifyInstance): void {
  const chartJs = chartJsPath();
  app.get('/assets/console.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(CONSOLE_CSS));
  app.get('/assets/console.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(CONSOLE_SCRIPT));
  // Browsers ask for it on every page; no icon, and no 404 in their consoles.
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  app.get('/assets/chart.umd.min.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(createReadStream(chartJs)));
}
