import { expect } from 'vitest';
import type { BatchStatus } from '../../../src/queue/batch-store.js';
import type { E2E } from '../../helpers/e2e.js';
import type { SimStats } from '../../../src/sim/index.js';

/** The rows of a fault batch: distinct account users, one group, as CSV text and as the pairs the server must hold. */
export interface FaultRows {
  csv: string;
  pairs: Array<{ accountUserId: string; groupId: string }>;
}

/** `n` distinct valid rows (AUSR-3000-0000-0001.. in one group); `block` keeps the ids of two batches apart. */
export function faultRows(n: number, block = 3000, groupId = 'UGR-1234-5678'): FaultRows {
  const pairs = Array.from({ length: n }, (_, i) => ({ accountUserId: `AUSR-${block}-0000-${String(i + 1).padStart(4, '0')}`, groupId }));
  const csv = ['accountUserId,groupId', ...pairs.map((p) => `${p.accountUserId},${p.groupId}`)].join('\n') + '\n';
  return { csv, pairs };
}

/**
 * The end of every fault test: the batch is done and its counts add up to the rows
 * (`assigned + alreadyMember + failed + invalid + duplicate = rows`, none pending), and the SIMULATOR agrees: every
 * pair the batch counts as assigned or already a member is a membership there, every pair it counts as failed is
 * not, and the server holds no membership the batch did not ask for. Returns the batch for further checks.
 */
export async function expectExactCounts(e: E2E, batchId: string, rows: FaultRows): Promise<BatchStatus> {
  const batch = await e.store.getBatch(batchId);
  expect(batch, `batch ${batchId}`).toBeDefined();
  const b = batch!;
  expect(b, 'the batch finished').toMatchObject({ rows: rows.pairs.length, pending: 0, done: true });
  expect(b.assigned + b.alreadyMember + b.failed + b.invalid + b.duplicate, 'counts add up to the rows').toBe(b.rows);

  const failed = new Set<string>();
  let details = 0;
  for await (const f of e.store.failures(batchId)) {
    details++;
    if (f.outcome === 'failed') failed.add(`${f.accountUserId}|${f.groupId}`);
  }
  const members = e.sim.memberships();
  const wrong: string[] = [];
  for (const { accountUserId, groupId } of rows.pairs) {
    const key = `${accountUserId}|${groupId}`;
    const held = members.get(accountUserId)?.has(groupId) ?? false;
    if (held === failed.has(key)) wrong.push(`${key}: ${failed.has(key) ? 'failed but held' : 'counted as done but not held'}`);
  }
  expect(wrong, 'every pair applied at the simulator exactly as the batch counts it').toEqual([]);
  const asked = new Set(rows.pairs.map((p) => `${p.accountUserId}|${p.groupId}`));
  const extra = [...members].flatMap(([user, groups]) => [...groups].map((g) => `${user}|${g}`)).filter((k) => !asked.has(k));
  expect(extra, 'memberships nobody asked for').toEqual([]);
  expect(failed.size, 'one failure detail per failed row').toBe(b.failed);
  expect(details, 'one detail per failed, invalid or duplicate row').toBe(b.failed + b.invalid + b.duplicate);
  return b;
}

/**
 * The simulator's answers by status, less the list calls: every worker's preflight read (one GET answered 200) is
 * not a row's request. The fault tests aim their faults at POSTs only, so every list call here was a 200.
 */
export function postAnswers(stats: SimStats): Record<string, number> {
  const out = { ...stats.byStatus };
  if (stats.listCalls > 0) out['200'] = (out['200'] ?? 0) - stats.listCalls;
  return out;
}
