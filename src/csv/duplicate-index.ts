/**
 * Remembers each valid (account user, group) pair and the line where it first appeared, to flag later repeats.
 * A file can have a million rows, so nothing but a short key and a line number is kept per pair.
 */
export class DuplicateIndex {
  private readonly firstLines = new Map<string, number>();

  /** @param loose whether ids were checked in loose mode; strict ids allow a much shorter key. */
  constructor(private readonly loose: boolean) {}

  /** The line where this pair was first seen; if it is new, remembers it at `line` and returns undefined. */
  firstLineOf(accountUserId: string, groupId: string, line: number): number | undefined {
    // Loose ids never contain control characters, so a NUL separates the two unambiguously.
    const key = this.loose ? `${accountUserId}\u0000${groupId}` : strictPairKey(accountUserId, groupId);
    const first = this.firstLines.get(key);
    if (first === undefined) this.firstLines.set(key, line);
    return first;
  }

  /** Number of distinct pairs seen. */
  get size(): number {
    return this.firstLines.size;
  }
}

/**
 * `AUSR-1234-5678-9012` + `UGR-3456-7890` -> five UTF-16 units, one per four-digit group (each below 10000, so no
 * surrogates). Strings this short are stored flat in V8 (about 32 bytes) where the joined ids would take over 60.
 * Only for ids that passed the strict check: anything else would collide.
 */
export function strictPairKey(accountUserId: string, groupId: string): string {
  return String.fromCharCode(
    fourDigits(accountUserId, 5),
    fourDigits(accountUserId, 10),
    fourDigits(accountUserId, 15),
    fourDigits(groupId, 4),
    fourDigits(groupId, 9),
  );
}

function fourDigits(id: string, at: number): number {
  return (
    (id.charCodeAt(at) - 48) * 1000 +
    (id.charCodeAt(at + 1) - 48) * 100 +
    (id.charCodeAt(at + 2) - 48) * 10 +
    (id.charCodeAt(at + 3) - 48)
  );
}
