/**
 * Baseline for scenario 2: the one-off script people write instead of using the tool. csv-parse, p-limit at a
 * fixed concurrency, undici `request`, no queue, no accounting, no rate limit.
 *
 * Usage: node plain-script.js <csv> <apiUrl> <token> <concurrency>. Prints {"byStatus": {...}}.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import pLimit from 'p-limit';
import { request } from 'undici';

const [file, apiUrl, token, concurrencyText] = process.argv.slice(2);
if (!file || !apiUrl || !token || !concurrencyText) throw new Error('usage: plain-script <csv> <apiUrl> <token> <concurrency>');

const limit = pLimit(Number(concurrencyText));
const byStatus: Record<string, number> = {};

async function assign(accountUserId: string, groupId: string): Promise<void> {
  const res = await request(`${apiUrl}/public/v1/accounts/account-users/${encodeURIComponent(accountUserId)}/groups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ id: groupId }),
  });
  // Read the answer like the tool does (it checks the group is listed), so both pay for the body.
  if (res.statusCode === 200) await res.body.json();
  else await res.body.dump();
  byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
}

const tasks: Promise<void>[] = [];
for await (const rec of createReadStream(file).pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>) {
  tasks.push(limit(() => assign(rec.accountUserId ?? '', rec.groupId ?? '')));
}
await Promise.all(tasks);
console.log(JSON.stringify({ byStatus }));
