import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scripts } from './scripts.js';

export interface GlobalRateLimiterOptions {
  /** Requests allowed in any sliding window, across all processes sharing the Redis keys. */
  rate: number;
  /** The window, in ms. @defaultValue 1000 */
  windowMs?: number;
  /**
   * Extra ms added to the window. A slot is stamped when granted, but the request reaches the server a little later
   * and by a varying amount (event loop, socket); without slack two requests stamped just over a window apart could
   * arrive just under it.
   * @defaultValue 25
   */
  slackMs?: number;
  /**
   * For this long after start-up, slots are stamped `coldOffsetMs` later than granted. A fresh process' first
   * requests reach the server late (JIT, new connections: 30-60 ms measured here against 2-10 ms once warm); a late
   * stamp keeps them inside the window they really land in.
   * @defaultValue 3000
   */
  coldMs?: number;
  /** @defaultValue 100 */
  coldOffsetMs?: number;
  /** Told when Redis fails a grant round (the pump keeps going: waiters wait, none is failed). @defaultValue none */
  onError?: (err: unknown) => void;
}

/** Thrown to waiters when the limiter is closed (shutdown): the request was never sent. */
export class LimiterClosedError extends Error {
  constructor() {
    super('rate limiter closed');
    this.name = 'LimiterClosedError';
  }
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * One sliding-window log in Redis shared by every worker on every machine: at most `rate` requests in any window.
 * Within a process, waiters queue locally and a single pump asks Redis for as many slots as there are waiters, so
 * Redis sees one call per grant round rather than one poll per waiting job.
 */
export class GlobalRateLimiter {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  private closed = false;
  private readonly stop = new AbortController();
  private readonly nonce = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private round = 0;
  private readonly windowUs: number;
  private readonly slackMs: number;
  private readonly paceUs: number;
  /** The usual grant round trip (moving average): the baseline that lateness is measured from. */
  private usualRtt: number | undefined;
  private droppedInARow = 0;

  constructor(
    private readonly scripts: Scripts,
    private readonly keys: { rateLog: string; ratePause: string; rateLearnt: string },
    private readonly options: GlobalRateLimiterOptions,
  ) {
    this.slackMs = options.slackMs ?? 25;
    this.windowUs = ((options.windowMs ?? 1000) + this.slackMs) * 1000;
    this.paceUs = (options.windowMs ?? 1000) * 100;
  }

  private readonly started = performance.now();

  private offsetUs(): number {
    const cold = performance.now() - this.started < (this.options.coldMs ?? 3000);
    return cold ? (this.options.coldOffsetMs ?? 100) * 1000 : 0;
  }

  /** Resolves when this process may send one request. */
  acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new LimiterClosedError());
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.pumping) void this.pump();
    });
  }

  /** Stops every request on every worker for `ms` (a 429's Retry-After); never shortens a longer pause. */
  async pause(ms: number): Promise<void> {
    if (ms > 0) await this.scripts.extendPause(this.keys.ratePause, Math.ceil(ms));
  }

  private announced: number | undefined;

  /**
   * The server allows less than configured: it said so with a 429 (`announced` undefined: shrink by a quarter) or
   * announced its limit in a RateLimit-Limit / X-RateLimit-Limit header. Every worker follows the learnt limit.
   */
  async learn(announced: number | undefined): Promise<number> {
    if (announced !== undefined) {
      // Servers repeat the same header on every answer: tell Redis only when it changes.
      if (announced === this.announced) return announced;
      this.announced = announced;
    }
    return this.scripts.learnLimit(this.keys.rateLearnt, this.options.rate, announced, this.windowUs);
  }

  /** Rejects all waiters with LimiterClosedError; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop.abort();
    for (const w of this.waiters.splice(0)) w.reject(new LimiterClosedError());
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.waiters.length > 0 && !this.closed) {
        // Lua's unpack has a stack limit; 500 slots per round is far more than one process needs.
        const wanted = Math.min(this.waiters.length, 500);
        let granted: number;
        let waitMs: number;
        const asked = performance.now();
        try {
          [granted, waitMs] = await this.scripts.acquireSlots([this.keys.rateLog, this.keys.ratePause, this.keys.rateLearnt], [this.options.rate, wanted, this.windowUs, `${this.nonce}-${this.round++}`, this.paceUs, this.offsetUs()]);
          // Slots are stamped in Redis while we wait for the answer. A steady round trip only shifts every request
          // by the same amount; but if this answer (or our event loop) was late by more than the slack compared
          // with the usual round trip, these requests would reach the server later than stamped and could crowd a
          // window: drop the slots unused (they only make the real rate lower) and ask again. Never more than a
          // few rounds in a row, so a starved process still makes progress.
          const rtt = performance.now() - asked;
          const usual = this.usualRtt ?? rtt;
          this.usualRtt = usual + (rtt - usual) * 0.2;
          if (granted > 0 && this.slackMs > 0 && rtt - usual > this.slackMs && this.droppedInARow < 3) {
            this.droppedInARow++;
            continue;
          }
          this.droppedInARow = 0;
        } catch (err) {
          // Redis is briefly gone (restart, failover): keep the waiters and try again rather than failing rows.
          if (this.closed) break;
          this.options.onError?.(err);
          waitMs = 500;
          granted = 0;
        }
        for (const w of this.waiters.splice(0, granted)) w.resolve();
        if (granted === 0 && this.waiters.length > 0) {
          await sleep(Math.max(1, waitMs), undefined, { signal: this.stop.signal }).catch(() => undefined);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
