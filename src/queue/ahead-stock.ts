import type { PendingRestamps } from './pending-restamps.js';
import type { Round } from './rate-slot.js';

/**
 * Granting ahead (acquireSlots-7.lua): with a limit in force of at least AHEAD_FROM, a grant round asks for as many
 * slots again as this process took since its previous round (at least as many as it has waiters), up to AHEAD_MAX,
 * and this process keeps the ones no waiter took for AHEAD_MS from its ask; a row that comes meanwhile takes one
 * without a Redis round trip. Sized by the waiters alone, a worker at 6,000 rows/s made a grant call every 30 rows
 * and two rows in three waited for one, holding their connection; sized by what it took, one call per ~160 rows,
 * and five rows in six find a slot at hand (30,000 rows, scenario 2's shape). The stock's short life keeps its slots'
 * stamps true: a slot sent within it is re-stamped like any other, long before its entry could leave the window.
 * Slots left when it ends (expired, a pause, a 429, close) are handed back to the log with the next call to Redis,
 * and before a 429 is measured. Below AHEAD_FROM rounds are paced small anyway, and the gain would be small.
 */
export const AHEAD_FROM = 1000;
export const AHEAD_MAX = 256;
export const AHEAD_MS = 50;

/** Slots granted ahead, left over from one round. */
interface Stock {
  round: Round;
  left: number;
  /** Unusable from this time (the limiter's clock). */
  until: number;
}

/** The slots one process holds ahead of its waiters, from one grant round at a time. */
export class AheadStock {
  private stock: Stock | undefined;
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
    const stock = this.stock;
    if (stock === undefined) return;
    const ms = stock.until - this.now();
    if (ms > 0) {
      this.timer = setTimeout(this.onTimer, ms).unref();
      return;
    }
    this.drop();
    this.onExpired();
  };

  /** One slot granted ahead (its round), if one is left and still fresh. */
  take(): Round | undefined {
    const stock = this.stock;
    if (stock === undefined) return undefined;
    if (this.now() >= stock.until) {
      this.drop();
      return undefined;
    }
    if (--stock.left === 0) {
      this.stock = undefined;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return stock.round;
  }

  /** Keeps `left` slots of `round` until `until`. */
  keep(round: Round, left: number, until: number): void {
    this.stock = { round, left, until };
    this.timer = setTimeout(this.onTimer, Math.max(1, until - this.now())).unref();
  }

  /** Ends the stock; its slots go back with the next call to Redis (a round's entry is named by its slot count). */
  drop(): void {
    this.epoch++;
    clearTimeout(this.timer);
    this.timer = undefined;
    const stock = this.stock;
    if (stock === undefined) return;
    this.stock = undefined;
    this.pending.handBack(stock.round, stock.left);
  }
}
