import type { WireObserver } from '../s1/s1-client.js';

/**
 * The slots of one grant round. They share one stamp, so they free up together and the next round is a burst again
 * rather than a trickle of single slots: the latest send among them, or later if the round was answered late.
 */
export interface Round {
  nonce: string;
  slots: number;
  /** The clock's time (the limiter's options.clock) to stamp; 0 while none was sent. */
  latest: number;
  queued: boolean;
}

/** What a slot tells about its request: the limiter that granted it. */
export interface SlotOwner {
  slotSent(slot: Slot): void;
  slotAnswered(slot: Slot): void;
}

/**
 * One granted request slot, handed to the S1 client as the request's observer. A class rather than two closures and
 * a WeakMap entry per slot: a worker takes thousands a second, and each object a row holds is more for V8's
 * young-generation collector to copy.
 */
export class Slot implements WireObserver {
  sentAt: number | undefined;
  constructor(
    private readonly owner: SlotOwner,
    readonly round: Round,
  ) {}
  sent(): void {
    this.owner.slotSent(this);
  }
  answered(): void {
    this.owner.slotAnswered(this);
  }
}
