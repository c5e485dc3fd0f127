import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchStatus, BatchStore } from '../../src/queue/batch-store.js';
import type { Simulator } from '../../src/sim/index.js';
import { runNode } from '../lib/child-process.js';
import { benchGroupId, benchUserId, writeAssignmentsCsv } from '../lib/csv-fixture.js';
import { CLI } from '../lib/paths.js';
import { pollUntil } from '../lib/wait.js';

/** One batch's figures, read when it finished (its keys expire soon after): its counts as the batch record has them. */
export interface BatchFigures extends Pick<BatchStatus, 'batchId' | 'rows' | 'assigned' | 'alreadyMember' | 'failed' | 'invalid' | 'duplicate'> {
  schedule: string;
  round: number;
  /** assigned + alreadyMember + failed + invalid + duplicate = rows, nothing pending, batch done. */
  countsAddUp: boolean;
  /** Pairs the simulator holds although the batch counts them failed, or lacks although counted done. */
  wrongAtSimulator: number;
  /** One failure detail per failed, invalid or duplicate row. */
  detailsMatch: boolean;
  /** Seconds from `run-now` to the batch record saying done. */
  seconds: number;
  /** Set when the batch did not finish (or vanished) before the soak gave up on it. */
  error?: string;
}

/** The rows of schedule `s`'s tick in `round`: ids of their own, so every batch's pairs are apart from all others. */
export function tickBase(s: number, round: number, rows: number): number {
  return (round * 3 + s) * rows;
}

/** Writes the tick's CSV into the schedule's source folder under a new name (the folder's newest file is read). */
export async function writeTickCsv(folder: string, s: number, round: number, rows: number): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await writeAssignmentsCsv(join(folder, `round-${String(round).padStart(3, '0')}.csv`), rows, tickBase(s, round, rows));
}

/** `bulk-assign schedule run-now <name> --json`: the batch id the tick will make. */
export async function runNow(env: NodeJS.ProcessEnv, cwd: string, name: string): Promise<string> {
  const res = await runNode(CLI, ['schedule', 'run-now', name, '--json'], env, { cwd, timeoutMs: 120_000 });
  return (JSON.parse(res.stdout) as { batchId: string }).batchId;
}

/**
 * Waits until the batch is done, then checks it exactly: its counts add up to its rows, and at the simulator every
 * pair it counts as assigned or already a member is held and every pair it counts as failed is not.
 */
export async function awaitAndVerify(o: { store: BatchStore; sim: Simulator; schedule: string; s: number; round: number; rows: number; batchId: string; startedAt: number; timeoutMs: number }): Promise<BatchFigures> {
  const base = { schedule: o.schedule, round: o.round, batchId: o.batchId, rows: o.rows, assigned: 0, alreadyMember: 0, failed: 0, invalid: 0, duplicate: 0, countsAddUp: false, wrongAtSimulator: o.rows, detailsMatch: false };
  const done = await pollUntil(async () => {
    const b = await o.store.getBatch(o.batchId);
    return b?.done ? b : undefined;
  }, o.timeoutMs, 1000);
  const seconds = Math.round((performance.now() - o.startedAt) / 1000);
  if (!done) {
    const b = await o.store.getBatch(o.batchId);
    return { ...base, seconds, error: b ? `not done after ${seconds} s (state ${b.state}, pending ${b.pending})` : `batch not found ${seconds} s after run-now` };
  }
  const failed = new Set<string>();
  let details = 0;
  for await (const f of o.store.failures(o.batchId)) {
    details++;
    if (f.outcome === 'failed') failed.add(`${f.accountUserId}|${f.groupId}`);
  }
  const members = o.sim.memberships();
  let wrong = 0;
  const first = tickBase(o.s, o.round, o.rows);
  for (let i = first + 1; i <= first + o.rows; i++) {
    const u = benchUserId(i);
    const g = benchGroupId(i);
    const held = members.get(u)?.has(g) ?? false;
    if (held === failed.has(`${u}|${g}`)) wrong++;
  }
  const sum = done.assigned + done.alreadyMember + done.failed + done.invalid + done.duplicate;
  return {
    ...base,
    assigned: done.assigned,
    alreadyMember: done.alreadyMember,
    failed: done.failed,
    invalid: done.invalid,
    duplicate: done.duplicate,
    countsAddUp: done.rows === o.rows && done.pending === 0 && sum === o.rows,
    wrongAtSimulator: wrong,
    detailsMatch: failed.size === done.failed && details === done.failed + done.invalid + done.duplicate,
    seconds,
  };
}
