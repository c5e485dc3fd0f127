import type { Round } from './rate-slot.js';

// Re-stamps wait this long for others to share their Redis call (a grant round's slots are sent within a few ms).
const RESTAMP_BATCH_MS = 5;

/**
 * What the limiter owes the shared log and has not told Redis yet: rounds whose stamp moved since they were last
 * re-stamped, and slots granted ahead and never used, to hand back. Both ride on the next call to Redis (a grant
 * carries them); re-stamps alone go after RESTAMP_BATCH_MS, through `flush`.
 */
export class PendingRestamps {
  private restamps: Round[] = [];
  /** (nonce, slots in the log, slots handed back) triples. */
  private givenBack: (string | number)[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `now`: the limiter's clock; `flush`: sends what take() returns in a call of its own. */
  constructor(
    private readonly now: () => number,
    private readonly flush: () => void,
  ) {}

  get hasHandBacks(): boolean {
    return this.givenBack.length > 0;
  }

  /** `round` was sent (or answered) at `at`: its stamp moves there if that is later. */
  restampAt(round: Round, at: number): void {
    if (at <= round.latest) return;
    round.latest = at;
    if (round.queued) return;
    round.queued = true;
    this.restamps.push(round);
    this.timer ??= setTimeout(this.flush, RESTAMP_BATCH_MS);
  }

  /** `slots` of `round` will not be sent: its log entry is renamed to its smaller count. */
  handBack(round: Round, slots: number): void {
    this.givenBack.push(round.nonce, round.slots, slots);
    round.slots -= slots;
  }

  /** Hand-backs a failed call carried (`args` from take()) go with the next one: renaming twice is harmless. */
  handBackAgain(args: (string | number)[]): void {
    const k = Number(args[0]);
    if (k > 0) this.givenBack.push(...args.slice(1, 1 + 3 * k));
  }

  /**
   * The slots to hand back and the pending re-stamps as Redis wants them (a count and its triples; then nonce, slots,
   * age in µs triples), emptied. Hand-backs go first: a re-stamp names a round by its slots after them.
   */
  take(): (string | number)[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    const args: (string | number)[] = [this.givenBack.length / 3, ...this.givenBack];
    this.givenBack = [];
    if (this.restamps.length === 0) return args;
    const now = this.now();
    for (const r of this.restamps) {
      r.queued = false;
      args.push(r.nonce, r.slots, Math.round((now - r.latest) * 1000));
    }
    this.restamps = [];
    return args;
  }
}
