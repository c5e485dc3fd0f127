import { createHash } from 'node:crypto';

/**
 * A pair's 8-byte fingerprint: the first 64 bits of sha256(`user|group`). Eight bytes per remembered pair instead of
 * ~40 for the ids; two different pairs share one with a chance of about n²/2⁶⁵ (1 in 37 million for a million
 * pairs), and the cost of that is one row not re-sent by a changes-mode sync.
 */
export function pairHash(accountUserId: string, groupId: string): bigint {
  return createHash('sha256').update(`${accountUserId}|${groupId}`).digest().readBigUInt64BE(0);
}
