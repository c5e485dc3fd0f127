/**
 * Baseline for scenario 1: what a user of bare BullMQ would write to enqueue a CSV. One streaming csv-parse pass,
 * `addBulk` of 1,000 jobs at a time, default job options, BullMQ's own job ids.
 *
 * Usage: node addbulk-import.js <csv> <redisUrl> <prefix>. Prints {"enqueued": n}.
 */
import { createReadStream } from 'node:fs';
import { Queue } from 'bullmq';
import { parse } from 'csv-parse';
import { ASSIGN_JOB } from '../../src/queue/assign-job.js';
import { ASSIGN_QUEUE } from '../../src/queue/keys.js';

const [file, redisUrl, prefix] = process.argv.slice(2);
if (!file || !redisUrl || !prefix) throw new Error('usage: addbulk-import <csv> <redisUrl> <prefix>');

const url = new URL(redisUrl);
const queue = new Queue(ASSIGN_QUEUE, { connection: { host: url.hostname, port: Number(url.port) }, prefix });
let chunk: { name: string; data: { accountUserId: string; groupId: string } }[] = [];
let enqueued = 0;
for await (const rec of createReadStream(file).pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>) {
  chunk.push({ name: ASSIGN_JOB, data: { accountUserId: rec.accountUserId ?? '', groupId: rec.groupId ?? '' } });
  if (chunk.length === 1000) {
    await queue.addBulk(chunk);
    enqueued += chunk.length;
    chunk = [];
  }
}
if (chunk.length > 0) {
  await queue.addBulk(chunk);
  enqueued += chunk.length;
}
await queue.close();
console.log(JSON.stringify({ enqueued }));
