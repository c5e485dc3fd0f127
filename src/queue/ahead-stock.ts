import type { PendingRestamps } from './pending-restamps.js';
import type { Round } from './rate-slot.js';

/**
 * Granting ahead (acquireSlots-7.lua): with a limit in force of at least AHEAD_FROM, a grant round asks for as many
 * slots again as this process took since its previous round (at least as many as it has waiters), up to AHEAD_MAX,
 * and this process keeps the ones no waiter took for AHEAD_MS from its ask; a row that comes meanwhile takes one
 * without a Redis round trip. Sized by the waiters alone, a worker at 6,000 rows/s made a grant call every 30 rows
 * and two rows in three waited for one, holding their connection; sized by what it took, one call per ~160 rows,
 * and five rows in six find a slot at hand (30,000 rows, scenario 2's shape); with the refill below, all but a few
 * hundred of 100,000 (the start, and a refill that came late). The stock's short life keeps its slots'
 * stamps true: a slot sent within it is re-stamped like any other, long before its entry could leave the window.
 * Slots left when it ends (expired, a pause, a 429, close) are handed back to the log with the next call to Redis,
 * and before a 429 is measured. Below AHEAD_FROM rounds are paced small anyway, and the gain would be small.
 */
export const AHEAD_FROM = 1000;
export const AHEAD_MAX = 256;
export const AHEAD_MS = 50;

/**
 * A busy process asks for its next round before its stock runs out: once half of a round of at least REFILL_FROM
 * slots is taken (see AheadStock.claimRefill). Asked only when the stock was empty, every round began with the rows that
 * came while its grant call was out waiting for it, each holding its connection: one row in nine (scenario 2's shape,
 * 100,000 rows).
 */
export const REFILL_FROM = 16;

/** Slots granted ahead, left over from one round. */
interface Stock {
  round: Round;
  left: number;
  /** What the round left for the stock when it came: the size of a refill. */
  kept: number;
  /** A refill was asked for after this stock: at most one, even if it found no room (no call per row then). */
  refilled: boolean;
  /** Unusable from this time (the limiter's clock). */
  until: number;
}

/** The slots one process holds ahead of its waiters: the round being taken from, and at most one refill after it. */
export class AheadStock {
  /** Oldest first. */
  private stocks: Stock[] = [];
  /** Ends a stock left unused (an idle worker), so its slots go back without waiting for this process' next call. */
  private timer: NodeJS.Timeout | undefined;
  /** Moves on each drop: a grant that was out meanwhile keeps nothing ahead (it was asked before the drop). */
  epoch = 0;

  /** `onExpired`: an unused stock ran out and its slots wait in `pending` to be handed back. */
  constructor(
    private readonly now: () => number,
    private readonly pending: PendingRestamps,
    private readonly onExpired: () => void,
  ) {}

  private readonly onTimer = () => {
    this.timer = undefined;
    if (this.expire()) this.onExpired();
    this.arm();
  };

  private arm(): void {
    const head = this.stocks[0];
    if (head === undefined || this.timer !== undefined) return;
    this.timer = setTimeout(this.onTimer, Math.max(1, head.until - this.now())).unref();
  }

  /** Hands back the stocks whose time is over (a refill outlives the round before it); true if any was. */
  private expire(): boolean {
    const now = this.now();
    let any = false;
    while (this.stocks.length > 0 && now >= this.stocks[0]!.until) {
      const stock = this.stocks.shift()!;
      this.pending.handBack(stock.round, stock.left);
      any = true;
    }
    return any;
  }

  /**
   * One slot granted ahead (its round), if one is left and still fresh. The timer is left as it is when a stock ends
   * here: it fires at that stock's end, before any later one's, and arms itself for whatever is kept then.
   */
  take(): Round | undefined {
    if (this.stocks.length === 0) return undefined;
    this.expire();
    const stock = this.stocks[0];
    if (stock === undefined) return undefined;
    if (--stock.left === 0) this.stocks.shift();
    return stock.round;
  }

  /**
   * Claims the refill due now and returns its size, or 0: none was asked after this stock yet, none is kept, and half
   * of a round of at least REFILL_FROM slots is taken. The caller asks for it: a stock gets one claim at most.
   */
  claimRefill(): number {
    if (this.stocks.length !== 1) return 0;
    const stock = this.stocks[0]!;
    if (stock.refilled || stock.kept < REFILL_FROM || stock.left * 2 > stock.kept) return 0;
    stock.refilled = true;
    return stock.kept;
  }

  /** Keeps `left` slots of `round` until `until`, after those kept before. */
  keep(round: Round, left: number, until: number): void {
    this.stocks.push({ round, left, kept: left, until, refilled: false });
    this.arm();
  }

  /** Ends the stock; its slots go back with the next call to Redis (a round's entry is named by its slot count). */
  drop(): void {
    this.epoch++;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const stock of this.stocks) this.pending.handBack(stock.round, stock.left);
    this.stocks = [];
  }
}
