/**
 * Scenario 2's baseline (the tool must reach 0.85x of it): how fast one BullMQ job per row can go at all. A bare BullMQ
 * worker takes the jobs the tool imported and calls the API with the tool's own S1 client, as many connections and
 * jobs in hand as the tool's worker, and reads each answer as the tool does. What it leaves out is everything the
 * tool adds around the queue: no outcome is recorded (no exactly-once accounting), no global rate limit, no
 * connection permits, no retry policy, no report. The gap between it and the one-off script is the queue's own
 * cost per row; the gap between it and the tool is the tool's.
 *
 * Usage: node bare-bullmq-worker.js <redisUrl> <prefix> <apiUrl> <token> <connections> <jobsInHand> <rows>.
 * Exits 0 once <rows> jobs completed; exits 1 on the first job that did not come back 200 with the group listed.
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { AssignPayload } from '../../src/queue/assign-job.js';
import { ASSIGN_QUEUE } from '../../src/queue/keys.js';
import { createS1Client, groupsContain } from '../../src/s1/index.js';

const [redisUrl, prefix, apiUrl, token, connectionsText, jobsText, rowsText] = process.argv.slice(2);
if (!redisUrl || !prefix || !apiUrl || !token || !connectionsText || !jobsText || !rowsText) {
  throw new Error('usage: bare-bullmq-worker <redisUrl> <prefix> <apiUrl> <token> <connections> <jobsInHand> <rows>');
}
const rows = Number(rowsText);

const client = createS1Client({ baseUrl: apiUrl, token, connections: Number(connectionsText) });
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
let completed = 0;
const worker = new Worker<AssignPayload>(
  ASSIGN_QUEUE,
  async (job: Job<AssignPayload>) => {
    const answer = await client.assignToGroup(job.data.u, job.data.g, { idempotencyKey: job.id });
    if (answer.status !== 200 || !groupsContain(answer.body, job.data.g)) {
      console.error(`job ${job.id}: HTTP ${answer.status}`);
      process.exit(1);
    }
    return 'assigned';
  },
  { connection, prefix, concurrency: Number(jobsText), removeOnComplete: { count: 0 } },
);
worker.on('error', (err) => console.error(err.message));
worker.on('completed', () => {
  // Every row is done: the timing ends here, as the script's ends when it exits.
  if (++completed === rows) process.exit(0);
});
