import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { WorkerHealth } from './health.js';
import type { WorkerMetrics } from './metrics.js';

/** Redis must answer a PING within this; a health check that hangs is as bad as a failed one. */
const REDIS_PING_MS = 2000;

/** Why the worker is not healthy, or undefined: Redis answers, S1 is reachable and the token is accepted. */
export async function unhealthyReason(redis: Redis, health: WorkerHealth): Promise<string | undefined> {
  const ping = await Promise.race([
    redis.ping().then(() => undefined, (err: Error) => `Redis does not answer: ${err.message}`),
    new Promise<string>((r) => setTimeout(r, REDIS_PING_MS, `Redis does not answer within ${REDIS_PING_MS} ms`).unref()),
  ]);
  return ping ?? health.s1Problem();
}

/**
 * `/metrics` (Prometheus text format) and `/healthz` (200 `ok`, or 503 with the reason as one line of text) on
 * METRICS_HOST:METRICS_PORT. Resolves once listening; `close()` ends open connections too.
 */
export async function startMetricsServer(port: number, host: string, metrics: WorkerMetrics, redis: Redis, health: WorkerHealth, log: Logger): Promise<{ close(): Promise<void>; port: number }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET') return { status: 405, type: 'text/plain', body: 'GET only\n' };
      if (path === '/metrics') return { status: 200, type: metrics.registry.contentType, body: await metrics.registry.metrics() };
      if (path === '/healthz') {
        const reason = await unhealthyReason(redis, health);
        return reason === undefined ? { status: 200, type: 'text/plain', body: 'ok\n' } : { status: 503, type: 'text/plain', body: `${reason}\n` };
      }
      return { status: 404, type: 'text/plain', body: 'not found: /metrics or /healthz\n' };
    };
    answer().then(
      (a) => res.writeHead(a.status, { 'content-type': a.type }).end(a.body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`),
    );
  });
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err as Error))]);
  const bound = (server.address() as { port: number }).port;
  log.info({ metrics: `http://${host}:${bound}/metrics`, health: `http://${host}:${bound}/healthz` }, 'metrics and health served');
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
