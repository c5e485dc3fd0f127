import type { ScheduleInput } from '../../schedule/resolve-schedule.js';
import { loadConfig } from '../../config/index.js';
import { openProducer, type BatchStatus, type Producer } from '../../queue/index.js';
import { createSyncQueue, listSchedules, removeSchedule, resolveSchedule, runNow, scheduleJson, setSchedule, validateScheduleName, type ScheduleSummary } from '../../schedule/index.js';
import { json, note, out } from '../output.js';

/** The flags of `schedule set` are the schedule's fields, its name aside. */
export type ScheduleSetFlags = Omit<ScheduleInput, 'name'>;

/** Opens Redis and the sync queue for one command, and closes both whatever happens. */
async function withSyncQueue<T>(fn: (p: Producer, q: ReturnType<typeof createSyncQueue>, prefix: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const producer = await openProducer(config);
  const queue = createSyncQueue(producer.redis, config.prefix);
  try {
    return await fn(producer, queue, config.prefix);
  } finally {
    await queue.close();
    await producer.close();
  }
}

/** `schedule set`: validates everything before touching Redis; the same name again replaces the schedule. */
export async function scheduleSetCommand(name: string, flags: ScheduleSetFlags): Promise<number> {
  const resolved = resolveSchedule({ name, ...flags });
  for (const n of resolved.notes) note(`note: ${n}`);
  const next = await withSyncQueue((_p, q) => setSchedule(q, resolved));
  const d = resolved.definition;
  out(`schedule ${d.name}: "${resolved.cron}" (${resolved.tz}), next run ${next.toISOString()}; source ${d.source}, mode ${d.mode}${d.skipExisting ? ', skip existing' : ''}`);
  return 0;
}

function lastBatchText(b: BatchStatus | undefined, id: string | null): string {
  if (!id) return 'no batch yet';
  if (!b) return `${id} (expired)`;
  return `${id} ${b.state}: ${b.rows} rows, assigned ${b.assigned}, already member ${b.alreadyMember}, failed ${b.failed}, invalid ${b.invalid}, duplicate ${b.duplicate}, pending ${b.pending}`;
}

function summaryLine(s: ScheduleSummary): string {
  const st = s.state;
  const tick = st.lastTickOutcome === 'failed' ? `; last tick FAILED: ${st.lastError}` : st.lastTickOutcome === 'skipped' ? `; last tick skipped: ${st.lastError}` : '';
  const counts = st.skippedTicks + st.failedTicks > 0 ? `; ${st.skippedTicks} skipped, ${st.failedTicks} failed of ${st.ticks} ticks` : '';
  return [
    `${s.name}  "${s.cron}" ${s.tz}  next ${s.next?.toISOString() ?? '-'}  ${s.definition?.mode ?? '?'}  ${s.definition?.source ?? '?'}`,
    `    last batch: ${lastBatchText(s.lastBatch, st.lastBatchId)}${tick}${counts}`,
  ].join('\n');
}

/** `schedule list [--json]`: name, cron, zone, next run, source, mode, last batch and its outcome. */
export async function scheduleListCommand(flags: { json?: boolean }): Promise<number> {
  const list = await withSyncQueue((p, q, prefix) => listSchedules(q, p.redis, p.store, prefix));
  if (flags.json) {
    json(list.map(scheduleJson));
  } else if (list.length === 0) {
    out('no schedules');
  } else {
    for (const s of list) out(summaryLine(s));
  }
  return 0;
}

/** `schedule remove <name>`: the scheduler, its waiting tick, state and memory; batches stay until they expire. */
export async function scheduleRemoveCommand(name: string): Promise<number> {
  validateScheduleName(name);
  await withSyncQueue((p, q, prefix) => removeSchedule(q, p.redis, prefix, name));
  out(`schedule ${name} removed`);
  return 0;
}

/** `schedule run-now <name> [--json]`: queues one tick now; a running worker picks it up. */
export async function scheduleRunNowCommand(name: string, flags: { json?: boolean }): Promise<number> {
  validateScheduleName(name);
  const tick = await withSyncQueue((_p, q) => runNow(q, name));
  if (flags.json) json(tick);
  else out(`queued a tick of ${name}: a worker will import it as batch ${tick.batchId} (skipped if the previous batch is still running)`);
  return 0;
}
