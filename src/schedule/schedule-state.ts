import type { Redis } from 'ioredis';
import { scheduleKeys, type ScheduleKeys } from './schedule-keys.js';

/** What a tick ended in: a batch was started, the tick was skipped (overlap), or it failed (source, import). */
export type TickOutcome = 'batch' | 'skipped' | 'failed';

/** A schedule's memory of its ticks, as `schedule list` shows it. */
export interface ScheduleStateRecord {
  /** Ticks that ran (batch, skipped or failed). */
  ticks: number;
  lastTickAt: string | null;
  lastTickOutcome: TickOutcome | null;
  /** Why the last tick failed or was skipped ('' after a tick that started a batch). */
  lastError: string;
  /** The last batch a tick created. */
  lastBatchId: string | null;
  skippedTicks: number;
  failedTicks: number;
  /** The batch the changes-mode memory was last built from. */
  memoryBatchId: string | null;
}

const num = (v: string | undefined) => (v === undefined ? 0 : Number(v));

/** The per-schedule state hash. Small and fixed-size: a handful of fields whatever the number of ticks. */
export class ScheduleState {
  readonly keys: ScheduleKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly name: string,
  ) {
    this.keys = scheduleKeys(prefix, name);
  }

  async read(): Promise<ScheduleStateRecord> {
    const h = await this.redis.hgetall(this.keys.state);
    return {
      ticks: num(h.ticks),
      lastTickAt: h.lastTickAt || null,
      lastTickOutcome: (h.lastTickOutcome as TickOutcome | undefined) || null,
      lastError: h.lastError ?? '',
      lastBatchId: h.lastBatchId || null,
      skippedTicks: num(h.skippedTicks),
      failedTicks: num(h.failedTicks),
      memoryBatchId: h.memoryBatchId || null,
    };
  }

  /** Counts a tick that ran (whatever it ends in). */
  async noteTick(at: Date): Promise<void> {
    await this.redis.pipeline().hincrby(this.keys.state, 'ticks', 1).hset(this.keys.state, 'lastTickAt', at.toISOString()).exec();
  }

  /** Claims `batchId` as the schedule's current batch (before the import starts, so a crash leaves a trace). */
  async recordBatch(batchId: string): Promise<void> {
    await this.redis.hset(this.keys.state, { lastBatchId: batchId, lastTickOutcome: 'batch', lastError: '' });
  }

  async recordSkipped(reason: string): Promise<void> {
    await this.redis.pipeline().hincrby(this.keys.state, 'skippedTicks', 1).hset(this.keys.state, { lastTickOutcome: 'skipped', lastError: reason }).exec();
  }

  async recordFailed(reason: string): Promise<void> {
    await this.redis.pipeline().hincrby(this.keys.state, 'failedTicks', 1).hset(this.keys.state, { lastTickOutcome: 'failed', lastError: reason }).exec();
  }

  /** Forgets the schedule's state and memory (`schedule remove`). Batches it made stay until they expire. */
  async remove(): Promise<void> {
    const last = await this.redis.hget(this.keys.state, 'lastBatchId');
    await this.redis.del(this.keys.state, this.keys.memory, ...(last ? [this.keys.pairs(last)] : []));
  }
}
