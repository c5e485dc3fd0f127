import { afterEach, describe, expect, it } from 'vitest';
import { collect, spawnCli, stopped, waitFor } from '../helpers/cli.js';
import { csvRows, logLines, startE2E, type E2E } from '../helpers/e2e.js';
import { freePort, startRedisServer, type PrivateRedis } from '../helpers/redis-server.js';

let e: E2E | undefined;
let privateRedis: PrivateRedis | undefined;
afterEach(async () => {
  await e?.close();
  await privateRedis?.stop();
  e = undefined;
  privateRedis = undefined;
});

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** A worker serving metrics on a free port; resolves once its server is up. */
async function workerWithMetrics(env: NodeJS.ProcessEnv) {
  const port = await freePort();
  const proc = spawnCli(['worker'], { ...env, METRICS_PORT: String(port) });
  const out = collect(proc);
  await waitFor('the metrics server', () => logLines(out.stdout()).some((l) => l.msg === 'metrics and health served'), 30_000);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    proc.kill('SIGTERM');
    await stopped(proc);
  };
  return { base, out, stop };
}

describe('worker metrics and health', () => {
  it('serves Prometheus metrics of rows, requests, their durations, the rate in force and the queue; /healthz ok', async () => {
    e = await startE2E('metrics');
    e.sim.addFault({ accountUserId: 'AUSR-1000-0000-0002', kind: 'status', status: 404 });
    const w = await workerWithMetrics(e.env());
    try {
      await waitFor('healthy', async () => (await get(`${w.base}/healthz`)).status === 200);
      expect((await get(`${w.base}/healthz`)).body).toBe('ok\n');
      expect((await e.cli(['import', e.file('m.csv', csvRows(6)), '--batch', 'm'])).code).toBe(0);
      await e.waitDone('m');
      // The batch reads done as soon as Redis has the last outcome; the worker counts that outcome when Redis's
      // answer reaches it, a moment later. So wait until six rows are counted, then check how they are counted.
      const { status, body } = await waitFor('the worker to count six rows', async () => {
        const m = await get(`${w.base}/metrics`);
        const counted = [...m.body.matchAll(/^bulk_assign_rows_total\{outcome="[a-z_]+"\} (\d+)$/gm)].reduce((n, r) => n + Number(r[1]), 0);
        return counted >= 6 ? m : undefined;
      }, 10_000);
      expect(status).toBe(200);
      expect(body).toMatch(/^bulk_assign_rows_total\{outcome="assigned"\} 5$/m);
      expect(body).toMatch(/^bulk_assign_rows_total\{outcome="failed"\} 1$/m);
      expect(body).toMatch(/^bulk_assign_requests_total\{status="200"\} 5$/m);
      expect(body).toMatch(/^bulk_assign_requests_total\{status="404"\} 1$/m);
      expect(body).toMatch(/^bulk_assign_request_duration_seconds_count 6$/m);
      expect(body).toMatch(/^bulk_assign_rate_limit_per_second 200$/m);
      expect(body).toMatch(/^bulk_assign_queue_jobs\{state="waiting"\} 0$/m);
      expect(body).not.toContain(e.token);
      expect((await get(`${w.base}/nope`)).status).toBe(404);
    } finally {
      await w.stop();
    }
  });

  it('/healthz is 503 with the reason while S1 cannot be reached, and when Redis does not answer', async () => {
    privateRedis = await startRedisServer();
    e = await startE2E('health');
    // The worker's own Redis, so that stopping it touches nothing else of the test.
    const w = await workerWithMetrics(e.env({ S1_API_URL: 'http://127.0.0.1:1', REDIS_URL: privateRedis.url, SHUTDOWN_GRACE_SECONDS: '1' }));
    try {
      await waitFor('a preflight warning', () => w.out.stdout().includes('cannot reach S1 at http://127.0.0.1:1'));
      const unreachable = await get(`${w.base}/healthz`);
      expect(unreachable.status).toBe(503);
      expect(unreachable.body).toMatch(/^cannot reach S1 at http:\/\/127\.0\.0\.1:1/);

      await privateRedis.stop();
      const noRedis = await waitFor('503 for Redis', async () => {
        const h = await get(`${w.base}/healthz`);
        return h.body.startsWith('Redis does not answer') ? h : undefined;
      });
      expect(noRedis.status).toBe(503);
    } finally {
      await w.stop();
    }
  });
});
