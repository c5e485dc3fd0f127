import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import { globalKeys } from '../queue/index.js';
import { S1TransportError, type S1Client } from '../s1/index.js';

/** Queue states reported by bulk_assign_queue_jobs. */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/** One worker process's Prometheus metrics (prom-client), on a registry of its own. */
export interface WorkerMetrics {
  readonly registry: Registry;
  /** A row got its outcome in this process (counted once: only outcomes the accounting called new). */
  rowOutcome(outcome: string): void;
  /** The S1 client, measured: every call counted by status (or transport failure) and timed. */
  instrument(client: S1Client): S1Client;
}

export function createWorkerMetrics(config: Config, redis: Redis, queue: Queue): WorkerMetrics {
  const registry = new Registry();
  const rows = new Counter({ name: 'bulk_assign_rows_total', help: 'Rows given their final outcome by this worker, by outcome', labelNames: ['outcome'], registers: [registry] });
  const requests = new Counter({ name: 'bulk_assign_requests_total', help: 'Assign calls to S1 by HTTP status, or timeout/network/aborted when none came', labelNames: ['status'], registers: [registry] });
  const duration = new Histogram({
    name: 'bulk_assign_request_duration_seconds',
    help: 'Time from sending an assign call to its answer (or failure)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const learnt = globalKeys(config.prefix).rateLearnt;
  new Gauge({
    name: 'bulk_assign_rate_limit_per_second',
    help: 'Requests per second in force for all workers (configured, or lower when learnt from S1)',
    registers: [registry],
    async collect() {
      const limit = Number(await redis.hget(learnt, 'limit'));
      this.set(Number.isFinite(limit) && limit > 0 ? limit : config.rateLimit);
    },
  });
  new Gauge({
    name: 'bulk_assign_queue_jobs',
    help: 'Row jobs in the assign queue by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  return {
    registry,
    rowOutcome: (outcome) => rows.inc({ outcome }),
    instrument: (client) => ({
      ...client,
      async assignToGroup(accountUserId, groupId, opts) {
        const end = duration.startTimer();
        try {
          const answer = await client.assignToGroup(accountUserId, groupId, opts);
          requests.inc({ status: String(answer.status) });
          return answer;
        } catch (err) {
          requests.inc({ status: err instanceof S1TransportError ? err.code : 'error' });
          throw err;
        } finally {
          end();
        }
      },
    }),
  };
}
