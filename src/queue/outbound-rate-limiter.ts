import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { WireObserver } from '../s1/s1-client.js';
import type { LimiterKeys } from './keys.js';
import { loadLimiterScripts, type LimiterScripts } from './limiter-scripts/limiter-scripts.js';
import { DIP_PROBE_MS, LimiterClosedError, UP_PROBE_MS, type OutboundRateLimiterOptions } from './outbound-rate-limiter-options.js';
import { AHEAD_FROM, AHEAD_MAX, AHEAD_MS, AheadStock } from './ahead-stock.js';
import { PendingRestamps } from './pending-restamps.js';
import { Slot, type Round, type SlotOwner } from './rate-slot.js';
import { RoundTripAllowance } from './round-trip-allowance.js';

export { AHEAD_FROM, AHEAD_MAX, DIP_PROBE_MS, LimiterClosedError, UP_PROBE_MS, type OutboundRateLimiterOptions };

interface Waiter {
  resolve: (slot: WireObserver) => void;
  reject: (err: unknown) => void;
}

/**
 * The client side of the rate limit: decides when this process may send a request to S1, under one limit shared by
 * every worker on every machine (not the simulator's src/sim limiter, which plays the server that enforces one).
 * One sliding-window log in Redis: at most `rate` requests in any window. Within a process, waiters queue locally
 * and a single pump asks Redis for as many slots as there are waiters, so Redis sees one call per grant round rather
 * than one poll per waiting job.
 */
export class OutboundRateLimiter implements SlotOwner {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  private closed = false;
  private readonly stop = new AbortController();
  private readonly nonce = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private round = 0;
  private readonly windowMs: number;
  private readonly slackMs: number;
  private readonly windowUs: number;
  private readonly paceUs: number;
  private droppedInARow = 0;
  /** Slots this process took (from the stock or as a waiter) since its last grant call: its demand per round. */
  private takenSinceAsk = 0;
  private readonly roundTrips: RoundTripAllowance;
  /** Re-stamps and hand-backs not yet told to Redis. */
  private readonly pending: PendingRestamps;
  private readonly scripts: LimiterScripts;
  private readonly now: () => number;
  private readonly probeArgs: [number, number];
  private rejections = 0;
  /**
   * No slot is granted before this time (options.clock): one window after this process' connection to Redis came
   * back. A Redis that restarted may have lost the end of the shared log (AOF `everysec` keeps all but the last
   * second; without persistence it is all gone), and the slots it forgot would otherwise be granted a second time.
   */
  private holdUntil = 0;
  private connectionLost = false;
  /** Slots granted ahead (ahead-stock.ts). */
  private readonly stock: AheadStock;
  private readonly onClose = () => {
    this.connectionLost = true;
    // The slots may be gone from a Redis that restarts; none is sent until the hold after it is over.
    this.stock.drop();
  };
  private readonly onReady = () => {
    if (!this.connectionLost) return;
    this.connectionLost = false;
    this.holdUntil = this.now() + this.windowMs + this.slackMs;
  };

  /** `keys`: the rate keys of globalKeys() for the queue prefix every worker shares. */
  constructor(
    private readonly redis: Redis,
    keys: LimiterKeys,
    private readonly options: OutboundRateLimiterOptions,
  ) {
    this.scripts = loadLimiterScripts(redis, keys);
    redis.on('close', this.onClose);
    redis.on('ready', this.onReady);
    this.now = options.clock ?? (() => performance.now());
    this.windowMs = options.windowMs ?? 1000;
    this.slackMs = options.slackMs ?? 25;
    this.roundTrips = new RoundTripAllowance(this.slackMs);
    const flush = () => void this.flushRestamps();
    this.pending = new PendingRestamps(this.now, flush);
    this.stock = new AheadStock(this.now, this.pending, flush);
    this.windowUs = (this.windowMs + this.slackMs) * 1000;
    // Pace: a twentieth of the limit per 90% of a twentieth of the window. Twenty paced rounds then fit in a window
    // with time to spare, so the window (not the pace plus each round's few ms of overhead) sets the rate. Smaller
    // rounds also bound what one round sends into a server that has just filled its window: against bare 429s at
    // 200/s with 500/s configured, tenths put a whole round of 50 into the first 429s (4.8% of a 1,000-row batch).
    this.paceUs = this.windowMs * 45;
    this.probeArgs = [(options.dipProbeMs ?? DIP_PROBE_MS) * 1000, (options.upProbeMs ?? UP_PROBE_MS) * 1000];
  }

  /**
   * Resolves when this process may send one request. Hand the slot to the S1 client as the request's observer
   * (S1RequestOptions.observer): the slot's log entry then moves from its grant to when the request was written to
   * the socket, or later if the answer shows the server saw it late. A slot never sent keeps its grant time, which
   * only lowers the rate.
   */
  acquire(): Promise<WireObserver> {
    if (this.closed) return Promise.reject(new LimiterClosedError());
    const slot = this.acquireNow();
    return slot === undefined ? this.waitForSlot() : Promise.resolve(slot);
  }

  /**
   * A slot at once, without a promise, when this process holds one granted ahead (ahead-stock.ts); undefined
   * otherwise (or once closed): then {@link acquire}, which waits for a grant.
   */
  acquireNow(): WireObserver | undefined {
    if (this.closed) return undefined;
    const stocked = this.stock.take();
    if (stocked === undefined) return undefined;
    this.takenSinceAsk++;
    if (!this.pumping) {
      const refill = this.stock.claimRefill();
      if (refill > 0) void this.pump(refill);
    }
    return new Slot(this, stocked);
  }

  private waitForSlot(): Promise<WireObserver> {
    return new Promise<WireObserver>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.pumping) void this.pump();
    });
  }

  /** Stops every request on every worker for `ms` (a 429's Retry-After); never shortens a longer pause. */
  async pause(ms: number): Promise<void> {
    this.stock.drop();
    if (ms > 0) await this.scripts.extendPause(Math.ceil(ms));
  }

  private announced: number | undefined;

  /**
   * The server allows less than configured: it announced its limit in a RateLimit-Limit / X-RateLimit-Limit header,
   * or (`announced` undefined) it answered `slot`'s request with a bare 429, which measures its limit as the
   * requests it accepted in the window before that one (learnLimit-5.lua). Every worker follows the limit learnt;
   * returns the limit now in force.
   */
  async learn(announced: number | undefined, slot?: WireObserver): Promise<number> {
    if (announced !== undefined) {
      // Servers repeat the same header on every answer: tell Redis only when it changes.
      if (announced === this.announced) return announced;
      this.announced = announced;
    }
    // The limit may be lower now (and a bare 429 says the server is full): no slot granted ahead of it is sent, and
    // those left are handed back first (the same connection keeps the order), so the measurement does not count them.
    this.stock.drop();
    if (this.pending.hasHandBacks) void this.flushRestamps();
    // A 429 measures the server's limit from the log around the rejected request's round as the log stamps it (its
    // latest send, or a late answer less the allowance); taking the request's own send instead would misplace it
    // against rounds stamped late by slow answers (a busy machine: every answer late).
    // A round never sent has no stamp (0): the 429 is then placed at now.
    const sent = slot instanceof Slot && slot.round.latest > 0 ? slot.round.latest : undefined;
    const learnt = await this.scripts.learnLimit({
      configured: this.options.rate,
      announced,
      windowUs: this.windowUs,
      sentAgeUs: sent === undefined ? undefined : Math.max(0, Math.round((this.now() - sent) * 1000)),
      rejection: `${this.nonce}-${this.rejections++}`,
      serverWindowUs: this.windowMs * 1000,
      dipGapUs: this.probeArgs[0],
      upGapUs: this.probeArgs[1],
    });
    if (learnt.told !== undefined) this.options.onLimitChange?.(learnt.told, learnt.why);
    return learnt.limit;
  }

  /**
   * Rejects all waiters with LimiterClosedError; safe to call twice. Slots already granted can still be sent and
   * re-stamped (in-flight jobs drain after this).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stock.drop();
    this.stop.abort();
    this.redis.off('close', this.onClose);
    this.redis.off('ready', this.onReady);
    for (const w of this.waiters.splice(0)) w.reject(new LimiterClosedError());
    void this.flushRestamps();
  }

  /** When a slot's request went out: its round moves to then. */
  slotSent(slot: Slot): void {
    slot.sentAt = this.now();
    this.pending.restampAt(slot.round, slot.sentAt);
  }

  /** When a slot's answer arrived: a late one moves its round later still. */
  slotAnswered(slot: Slot): void {
    if (slot.sentAt === undefined) return;
    const now = this.now();
    // The request reached the server before its answer left it. The window's slack covers an arrival up to
    // `slackMs` after the stamp, so a round answered more than that after a send is stamped no earlier than the
    // answer less the slack: a stalled server or path, or a burst of new connections to accept, cannot let its
    // slots free up early. An API that takes longer than that to answer (its own work, not a late arrival) is
    // allowed its usual spread of round trips (as far above the median as the quickest is below it).
    this.pending.restampAt(slot.round, now - this.roundTrips.allowed(now - slot.sentAt));
  }

  private async flushRestamps(): Promise<void> {
    const restamps = this.pending.take();
    if (restamps.length === 1) return;
    try {
      await this.scripts.restampSlots(this.windowUs, restamps);
    } catch (err) {
      this.pending.handBackAgain(restamps);
      // These entries keep their grant time, a few ms early; grants stop too while Redis is away.
      if (!this.closed) this.options.onError?.(err);
    }
  }

  /** Grant rounds while rows wait; `refill` > 0: at least one round, for that many slots ahead (AheadStock.claimRefill). */
  private async pump(refill = 0): Promise<void> {
    this.pumping = true;
    try {
      while ((this.waiters.length > 0 || refill > 0) && !this.closed) {
        const refillNow = refill;
        refill = 0;
        const holdMs = this.holdUntil - this.now();
        if (holdMs > 0) {
          if (this.waiters.length === 0) break;
          await sleep(holdMs, undefined, { signal: this.stop.signal }).catch(() => undefined);
          continue;
        }
        // 500 slots per round is far more than one process needs, and keeps one call's work bounded.
        const wanted = Math.min(this.waiters.length, 500);
        // As many ahead as this process took since its last call (at least its waiters, and a refill's size): a
        // steady stream of rows then finds its next slots at hand, rather than waiting for a grant at every round.
        const ahead = this.options.rate >= AHEAD_FROM ? Math.min(Math.max(wanted, this.takenSinceAsk, refillNow), AHEAD_MAX) : 0;
        this.takenSinceAsk = 0;
        const nonce = `${this.nonce}-${this.round++}`;
        let granted: number;
        let waitMs: number;
        const asked = this.now();
        const epoch = this.stock.epoch;
        const carried = this.pending.take();
        try {
          const grant = await this.scripts.acquireSlots([this.options.rate, wanted, this.windowUs, nonce, this.paceUs, ...this.probeArgs, ahead, AHEAD_FROM, ...carried]);
          ({ granted, waitMs } = grant);
          if (grant.newLimit !== undefined) this.options.onLimitChange?.(grant.newLimit, grant.why);
          // Redis came back while this call was out: the grant may rest on a log it has since lost. Drop it.
          if (granted > 0 && this.holdUntil > asked) continue;
          // Each slot is re-stamped when its request is sent, but only an entry still in the log counts for other
          // grants: an answer that took half a window (a stalled process) leaves too little time to send and
          // re-stamp before its entries expire. Drop such slots unused (they only lower the rate); never more than
          // a few rounds in a row, so a starved process still makes progress.
          if (granted > 0 && this.now() - asked > this.windowMs / 2 && this.droppedInARow < 3) {
            this.droppedInARow++;
            continue;
          }
          this.droppedInARow = 0;
        } catch (err) {
          // Redis is briefly gone (restart, failover): keep the waiters and try again rather than failing rows.
          this.pending.handBackAgain(carried);
          if (this.closed) break;
          this.options.onError?.(err);
          waitMs = 500;
          granted = 0;
        }
        if (granted > 0) {
          const round: Round = { nonce, slots: granted, latest: 0, queued: false };
          const served = this.waiters.splice(0, granted);
          this.takenSinceAsk += served.length;
          for (const w of served) w.resolve(new Slot(this, round));
          if (granted > served.length) {
            // Kept only if nothing dropped the stock while the grant was out (a pause, a 429, close): else handed back.
            if (epoch === this.stock.epoch && !this.closed) this.stock.keep(round, granted - served.length, asked + AHEAD_MS);
            else {
              this.pending.handBack(round, granted - served.length);
              void this.flushRestamps();
            }
          }
        }
        if (granted === 0 && this.waiters.length > 0) {
          await sleep(Math.max(1, waitMs), undefined, { signal: this.stop.signal }).catch(() => undefined);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
