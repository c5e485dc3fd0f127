import { setTimeout as sleep } from 'node:timers/promises';
import type { Simulator } from '../../src/sim/index.js';
import type { SoakRedis } from './soak-redis.js';
import type { SoakWorkerPool } from './soak-workers.js';

/** One injected fault: when (seconds into the soak) and what came of it. */
export interface FaultRecord {
  fault: 'redis-kill9-aof-restart' | 'worker-kill9' | 's1-outage';
  /** Seconds into the soak it was planned for. */
  plannedAt: number;
  /** Seconds into the soak it began, or null when the soak ended first. */
  startedAt: number | null;
  /** Seconds it lasted (Redis down until it answered again; the outage's length). */
  seconds: number | null;
  detail: string;
  error?: string;
}

/** Which faults to plan, each at a fraction of `durationMs` from now. */
export type FaultPlan = Array<[FaultRecord['fault'], number]>;

/**
 * Plans faults at fixed fractions of a stretch of rounds, so each lands inside a round with rows in flight whatever
 * `--minutes` is. `cancel()` drops those not yet begun; `settled()` resolves when the begun ones are over.
 */
export function planFaults(o: { plan: FaultPlan; durationMs: number; outageSeconds: number; redis: SoakRedis; sim: Simulator; pool: SoakWorkerPool; sinceStart(): number; log(m: string): void }) {
  const records: FaultRecord[] = [];
  const running: Promise<void>[] = [];
  const timers: NodeJS.Timeout[] = [];
  const plan = (fault: FaultRecord['fault'], fraction: number, act: () => Promise<string>) => {
    const rec: FaultRecord = { fault, plannedAt: Math.round(o.sinceStart() + (o.durationMs * fraction) / 1000), startedAt: null, seconds: null, detail: 'not injected: the soak ended first' };
    records.push(rec);
    timers.push(
      setTimeout(() => {
        rec.startedAt = Math.round(o.sinceStart());
        o.log(`fault: ${fault}`);
        const t0 = performance.now();
        running.push(
          act().then(
            (detail) => {
              rec.seconds = Math.round((performance.now() - t0) / 100) / 10;
              rec.detail = detail;
              o.log(`fault over: ${fault} (${rec.seconds} s): ${detail}`);
            },
            (err: unknown) => {
              rec.error = err instanceof Error ? err.message : String(err);
              o.log(`fault failed: ${fault}: ${rec.error}`);
            },
          ),
        );
      }, o.durationMs * fraction),
    );
  };
  const acts: Record<FaultRecord['fault'], () => Promise<string>> = {
    'redis-kill9-aof-restart': async () => {
      const old = o.redis.pid();
      await o.redis.kill9AndRestart();
      return `redis-server ${old} killed with SIGKILL, ${o.redis.pid()} started on the same port and AOF`;
    },
    'worker-kill9': async () => {
      const id = await o.pool.kill9();
      return `worker #${id} killed with SIGKILL, worker #${o.pool.all.length} started in its place`;
    },
    's1-outage': async () => {
      // Every API call has its connection reset without an answer: what a stopped S1 behind a proxy looks like.
      o.sim.addFault({ call: 'any', kind: 'reset' });
      await sleep(o.outageSeconds * 1000);
      o.sim.clearFaults();
      return `every S1 call reset without an answer for ${o.outageSeconds} s`;
    },
  };
  for (const [fault, fraction] of o.plan) plan(fault, fraction, acts[fault]);
  return {
    records,
    cancel: () => timers.forEach(clearTimeout),
    settled: () => Promise.all(running),
  };
}
