import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * The i-th (1-based) distinct account user id. Ids whose last block is 9999 are skipped: the simulator treats those
 * as unknown users (404), and the bench wants every row to be accepted.
 */
export function benchUserId(i: number): string {
  const n = i + Math.floor(i / 9999);
  const s = String(n).padStart(8, '0');
  return `AUSR-2000-${s.slice(0, 4)}-${s.slice(4)}`;
}

/** One of 50 groups, never the simulator's unknown UGR-9999-9999. */
export function benchGroupId(i: number): string {
  return `UGR-3000-${String(i % 50).padStart(4, '0')}`;
}

/**
 * Writes `rows` valid, distinct rows (`accountUserId,groupId`, LF) for the bench ids `first + 1 .. first + rows`:
 * with `first` 0, row i sits on file line i + 1. The soak starts each round's file further on, so rounds never share ids.
 */
export async function writeAssignmentsCsv(path: string, rows: number, first = 0): Promise<void> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  let chunk = 'accountUserId,groupId\n';
  for (let i = first + 1; i <= first + rows; i++) {
    chunk += `${benchUserId(i)},${benchGroupId(i)}\n`;
    if (chunk.length >= 256 * 1024) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      chunk = '';
    }
  }
  out.end(chunk);
  await Promise.race([once(out, 'finish'), failed]);
}
