import type { Redis } from 'ioredis';
import { notifyKeys } from './notify-keys.js';

/**
 * The Redis side of "exactly one delivery per event". BullMQ already keeps one job per event id while that job
 * exists; these claims cover what it does not:
 * - `delivered` outlives the job (removed on completion), so the same event enqueued again later, or a job run
 *   again after its POST succeeded, completes without a second POST;
 * - `sending` is held for the length of one POST, so a job whose lock BullMQ handed to a second worker (the first
 *   stalled but was still alive) cannot be POSTed by both at once.
 */
export class DeliveryClaims {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How long a delivered event is remembered. */
    private readonly deliveredTtlSeconds: number,
  ) {}

  /** When the event was delivered (ISO 8601), or null. */
  delivered(eventId: string): Promise<string | null> {
    return this.redis.get(notifyKeys(this.prefix, eventId).delivered);
  }

  /** Takes the right to POST the event for `ms`; false when another worker holds it. */
  async claimSending(eventId: string, holder: string, ms: number): Promise<boolean> {
    return (await this.redis.set(notifyKeys(this.prefix, eventId).sending, holder, 'PX', ms, 'NX')) === 'OK';
  }

  /** Records the delivery and lets go of the sending claim, in one transaction. */
  async markDelivered(eventId: string, at: Date = new Date()): Promise<void> {
    const keys = notifyKeys(this.prefix, eventId);
    await this.redis.multi().set(keys.delivered, at.toISOString(), 'EX', this.deliveredTtlSeconds).del(keys.sending).exec();
  }

  /**
   * Lets go of the sending claim after a failed POST, so the retry need not wait for it to expire. The claim
   * outlives the POST's timeout by a margin, so the one deleted here is still this worker's own.
   */
  async releaseSending(eventId: string): Promise<void> {
    await this.redis.del(notifyKeys(this.prefix, eventId).sending);
  }
}
