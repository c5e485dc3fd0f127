import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { benchGroupId, benchUserId } from '../lib/csv-fixture.js';

export { benchGroupId, benchUserId };

/** Writes `rows` valid, distinct rows for the bench ids `first + 1 .. first + rows` (`accountUserId,groupId`, LF). */
export async function writeAssignmentsCsvFrom(path: string, first: number, rows: number): Promise<void> {
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
