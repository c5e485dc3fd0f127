import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { batchGoneError } from './batch-gone.js';
import { loadBatchScripts, type BatchScripts } from './batch-scripts/batch-scripts.js';
import { batchKeys, globalKeys, importLockKey, outcomeScriptKeys, type BatchKeys, type GlobalKeys, type OutcomeScriptKeys } from './keys.js';
import { toStatus, type BatchStatus } from './batch-status.js';
import { readLimitHistory, type LimitChange } from './limit-history.js';
import { type FailureDetail, type Outcome } from './outcomes.js';
import { MAX_ROWS_PER_CALL, OutcomeGroupCommit, outcomeRow, type RecordResult } from './outcome-group-commit.js';

export type { RecordResult };

// The batch's view lives in batch-status.ts; re-exported for the modules that read it with the store.
export { countsOf, toStatus, type BatchStatus } from './batch-status.js';

/**
 * Batch records and exactly-once outcome accounting in Redis, as operations: its connection, keys and scripts stay
 * inside (whoever needs the connection itself gets it from where it was opened). Knows nothing of BullMQ.
 */
export class BatchStore {
  private readonly scripts: BatchScripts;
  private readonly global: GlobalKeys;

  /** `redis`: a connection the caller opened and closes; `retentionSeconds`: how long a batch's keys are kept. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: number,
  ) {
    this.scripts = loadBatchScripts(redis);
    this.global = globalKeys(prefix);
  }

  private keys(batchId: string): BatchKeys {
    return batchKeys(this.prefix, batchId);
  }

  // A worker records thousands of outcomes a second, nearly always for the same batch: keep its key list.
  private lastKeys: { batchId: string; keys: OutcomeScriptKeys } | undefined;

  private outcomeKeys(batchId: string): OutcomeScriptKeys {
    if (this.lastKeys?.batchId !== batchId) this.lastKeys = { batchId, keys: outcomeScriptKeys(this.keys(batchId)) };
    return this.lastKeys.keys;
  }

  /**
   * Takes the batch's import lock, waiting while another import holds it (two at once would both count the same
   * rows as theirs). The lock lives `ttlMs` and is renewed while held, so a crashed importer's lock lapses on its
   * own and a re-run waits at most that long. `onWait` is told once when it has to wait. Resolves to the release.
   */
  async lockImport(batchId: string, onWait: () => void, ttlMs = 10_000): Promise<() => Promise<void>> {
    const key = importLockKey(this.prefix, batchId);
    const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    for (let waited = false; (await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK'; waited = true) {
      if (!waited) onWait();
      await sleep(250);
    }
    const renew = setInterval(() => void this.redis.pexpire(key, ttlMs).catch(() => undefined), Math.floor(ttlMs / 3));
    renew.unref();
    return async () => {
      clearInterval(renew);
      // Only our own lock: one that lapsed and was taken by another importer is theirs.
      if ((await this.redis.get(key).catch(() => null)) === owner) await this.redis.del(key).catch(() => undefined);
    };
  }

  /** 'created' for a new batch, 'resumed' for the same file again; throws AppError('batch-conflict') for another file. */
  async createBatch(batchId: string, fingerprint: string, source: string, rows: number, looseIds: boolean, meta: Record<string, string> = {}): Promise<'created' | 'resumed'> {
    const k = this.keys(batchId);
    const res = await this.scripts.createBatch(k.batch, this.global.batches, [batchId, fingerprint, source, rows, Date.now(), looseIds ? 1 : 0, ...Object.entries(meta).flat()]);
    if (res.startsWith('conflict:')) {
      throw new AppError('batch-conflict', `batch ${batchId} already holds another file (${res.slice(9) || 'unknown source'}): choose another --batch id`);
    }
    await this.refreshExpiry(batchId);
    return res as 'created' | 'resumed';
  }

  /** Marks the import complete; returns true when that completed the batch (every row already had an outcome). */
  async finishImport(batchId: string): Promise<boolean> {
    if ((await this.scripts.writeBatchField(this.keys(batchId).batch, 'set', 'state', 'imported')) === -1) throw batchGoneError(batchId);
    return (await this.scripts.checkBatchDone(this.keys(batchId).batch, Date.now())) === 1;
  }

  /**
   * Records one row's final outcome exactly once (see batch-scripts/recordOutcomes-5.lua), in one script call with the
   * other rows of its batch that finish meanwhile (outcome-group-commit.ts). Each caller learns its own row's result;
   * the one whose row completed the batch is told `done`. `sent` is called once the call is written to this store's
   * connection, before its answer (see OutcomeGroupCommit.add).
   */
  recordOutcomeCoalesced(batchId: string, d: FailureDetail, mode: 'set' | 'if-absent' = 'set', countRequestAs?: number | string, sent?: () => void): Promise<RecordResult> {
    return this.outcomes.add(batchId, outcomeRow(d, mode, countRequestAs), sent);
  }

  private readonly outcomes = new OutcomeGroupCommit((batchId, rows) => this.callRecordOutcomes(batchId, rows));

  /** Many outcomes known together, in calls of at most 500 rows one after another (the importer's rejected rows). */
  async recordOutcomesInBulk(batchId: string, details: FailureDetail[]): Promise<RecordResult[]> {
    const results: RecordResult[] = [];
    for (let i = 0; i < details.length; i += MAX_ROWS_PER_CALL) {
      results.push(...(await this.callRecordOutcomes(batchId, details.slice(i, i + MAX_ROWS_PER_CALL).map((d) => outcomeRow(d, 'set')))));
    }
    return results;
  }

  /** One call of the outcome script with rows already encoded (outcomeRow). */
  private async callRecordOutcomes(batchId: string, rows: string[]): Promise<RecordResult[]> {
    const flags = await this.scripts.recordOutcomes(this.outcomeKeys(batchId), Date.now(), rows);
    if (flags[0] === -1) throw batchGoneError(batchId);
    const done = flags[rows.length] === 1;
    // The outcomes are recorded: a failed expiry refresh must not fail their callers (their jobs would retry and the
    // batch, already stamped finished, would never be told done again). The keys keep the batch's own expiry.
    if (done) await this.refreshExpiry(batchId).catch(() => undefined);
    // One caller per call that completed the batch is told so (the last: the call's rows count as one step).
    return rows.map((_, k) => ({ changed: flags[k] === 1, done: done && k === rows.length - 1 }));
  }

  /** Outcome bytes for lines from..to inclusive ('\0' pending, 'e' queued); a re-import adds only the '\0' rows. */
  async outcomeCodes(batchId: string, from: number, to: number): Promise<string> {
    return this.redis.getrange(this.keys(batchId).outcomes, from, to);
  }

  /** Failed rows back to pending (for retry); returns how many moved. */
  async resetFailed(batchId: string, lines: number[]): Promise<number> {
    if (lines.length === 0) return 0;
    return this.scripts.resetOutcomes(this.outcomeKeys(batchId), lines);
  }

  /** After a retry's jobs are enqueued: its reset rows become queued, so a second `retry` does not enqueue them again. */
  async markQueued(batchId: string, lines: number[]): Promise<number> {
    return this.scripts.markQueued(this.keys(batchId).outcomes, lines);
  }

  /** After an import added these rows' jobs: marks them queued (see markEnqueued-2.lua); returns how many were not yet. */
  async markEnqueued(batchId: string, lines: readonly number[]): Promise<number> {
    const marked = await this.scripts.markEnqueued(this.keys(batchId).batch, this.keys(batchId).outcomes, lines);
    if (marked === -1) throw batchGoneError(batchId);
    return marked;
  }

  /** The number of the batch's next retry round (1, 2, ...): the `-r<round>` of its retried rows' job ids. */
  async nextRetryRound(batchId: string): Promise<number> {
    const round = await this.scripts.writeBatchField(this.keys(batchId).batch, 'incr', 'retryRound');
    if (round === -1) throw batchGoneError(batchId);
    return round;
  }

  /** Counts one HTTP call (retries included) by status, or by transport failure ("timeout", "network"). */
  countRequest(batchId: string, status: number | string): Promise<unknown> {
    return this.scripts.writeBatchField(this.keys(batchId).batch, 'incr', `h:${status}`);
  }

  /** Stores what the server announced (Deprecation / Sunset); true the first time for this batch. */
  async noteDeprecation(batchId: string, text: string): Promise<boolean> {
    return (await this.scripts.writeBatchField(this.keys(batchId).batch, 'setnx', 'deprecation', text)) === 1;
  }

  /** Keeps every key of the batch for the retention period from now. */
  private async refreshExpiry(batchId: string): Promise<void> {
    const p = this.redis.pipeline();
    for (const key of this.outcomeKeys(batchId)) p.expire(key, this.retentionSeconds);
    p.expire(this.keys(batchId).resolved, this.retentionSeconds);
    await p.exec();
  }

  /**
   * Keeps the ids that rows named by e-mail or group name resolved to: jobs are removed once done, and results.csv
   * must still show them. Only imports that resolved names call this, so an id-only batch costs nothing here.
   */
  async recordResolved(batchId: string, rows: ReadonlyArray<{ line: number; accountUserId: string; groupId: string }>): Promise<void> {
    if (rows.length === 0) return;
    const key = this.keys(batchId).resolved;
    const fields: string[] = [];
    for (const r of rows) fields.push(String(r.line), `${r.accountUserId} ${r.groupId}`);
    await this.redis.pipeline().hset(key, ...fields).expire(key, this.retentionSeconds).exec();
  }

  /** The resolved ids of these lines (undefined for a line that named both by id), in their order. */
  async resolvedIds(batchId: string, lines: readonly number[]): Promise<Array<{ accountUserId: string; groupId: string } | undefined>> {
    if (lines.length === 0) return [];
    const held = await this.redis.hmget(this.keys(batchId).resolved, ...lines.map(String));
    return held.map((v) => {
      if (v === null) return undefined;
      const [accountUserId = '', groupId = ''] = v.split(' ');
      return { accountUserId, groupId };
    });
  }

  /** Every change of the limit in force kept in Redis (the last 500), oldest first. */
  limitHistory = (): Promise<LimitChange[]> => readLimitHistory(this.redis, this.global.rateHistory);

  async getBatch(batchId: string): Promise<BatchStatus | undefined> {
    const [h, paused] = await Promise.all([this.redis.hgetall(this.keys(batchId).batch), this.redis.exists(this.global.authFailed)]);
    if (!h.batchId) return undefined;
    const b = toStatus(h);
    if (paused && !b.done) b.state = 'paused';
    return b;
  }

  /** Recent batches, newest first; expired ones are dropped from the index as they are met. */
  async listBatches(limit = 20): Promise<BatchStatus[]> {
    const ids = await this.redis.zrevrange(this.global.batches, 0, limit - 1);
    const out: BatchStatus[] = [];
    for (const id of ids) {
      const b = await this.getBatch(id);
      if (b) out.push(b);
      else await this.redis.zrem(this.global.batches, id);
    }
    return out;
  }

  /** Count of outcomes per "outcome|reason". */
  async reasonCounts(batchId: string): Promise<Record<string, number>> {
    const h = await this.redis.hgetall(this.keys(batchId).reasons);
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(h)) if (Number(v) > 0) out[k] = Number(v);
    return out;
  }

  /** Failure details in file order, a page at a time: memory stays flat for any batch size. */
  async *failures(batchId: string, pageSize = 1000): AsyncGenerator<FailureDetail> {
    const k = this.keys(batchId);
    let after = -1;
    for (;;) {
      const lines = await this.redis.zrangebyscore(k.failIdx, `(${after}`, '+inf', 'LIMIT', 0, pageSize);
      if (lines.length === 0) return;
      const details = await this.redis.hmget(k.failures, ...lines);
      for (const d of details) if (d) yield JSON.parse(d) as FailureDetail;
      after = Number(lines[lines.length - 1]);
    }
  }

  /** Rows whose retry was interrupted between reset and enqueue (outcome byte 'r'), with their last failure detail. */
  async *retryingRows(batchId: string, pageBytes = 65_536): AsyncGenerator<FailureDetail> {
    const k = this.keys(batchId);
    const length = await this.redis.strlen(k.outcomes);
    for (let from = 0; from < length; from += pageBytes) {
      const page = await this.redis.getrange(k.outcomes, from, from + pageBytes - 1);
      const lines: string[] = [];
      for (let i = page.indexOf('r'); i !== -1; i = page.indexOf('r', i + 1)) lines.push(String(from + i));
      if (lines.length === 0) continue;
      const details = await this.redis.hmget(k.failures, ...lines);
      for (const d of details) if (d) yield JSON.parse(d) as FailureDetail;
    }
  }

  /** Lines whose outcome is failed with one of the given reasons (all failed when reasons is undefined). */
  async *failedLines(batchId: string, accept: (reason: string) => boolean): AsyncGenerator<FailureDetail> {
    for await (const d of this.failures(batchId)) if (d.outcome === 'failed' && accept(d.reason)) yield d;
  }
}

export type { Outcome };
