import { loadConfig } from '../../config/index.js';
import { AppError } from '../../errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchStatus, BatchStore } from '../../queue/batch-store.js';
import { batchGoneError } from '../../queue/batch-gone.js';
import { openStore } from '../../queue/open-store.js';
import { batchListEntryJson, statusJson } from '../../report/status-json.js';
import { json, out } from '../output.js';

/** Live progress until the batch finishes or the user presses Ctrl-C; returns the last status seen. */
async function watch(store: BatchStore, first: BatchStatus): Promise<BatchStatus> {
  let stop = false;
  const onSignal = () => (stop = true);
  process.once('SIGINT', onSignal);
  const { createProgress } = await import('../progress.js');
  const progress = createProgress({ batchId: first.batchId, total: first.rows });
  let b = first;
  try {
    for (;;) {
      progress.update(b);
      if (b.done || stop) break;
      await sleep(500);
      const next = await store.getBatch(b.batchId);
      if (!next) throw batchGoneError(b.batchId);
      b = next;
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
  }
  return b;
}

export interface StatusFlags {
  json?: boolean;
  watch?: boolean;
  /** Exit 2 when the batch finished with failed, invalid or duplicate rows (like `gh run watch --exit-status`). */
  exitStatus?: boolean;
}

/** The exit code `--exit-status` asks for: 2 for a finished batch with failures, 130 for a watch left unfinished. */
function exitStatusOf(b: BatchStatus, watched: boolean): number {
  if (!b.done) return watched ? 130 : 0;
  return b.failed + b.invalid + b.duplicate > 0 ? 2 : 0;
}

export async function statusCommand(batchId: string | undefined, flags: StatusFlags): Promise<number> {
  if (flags.exitStatus && batchId === undefined) throw new AppError('config', '--exit-status needs a batch id: bulk-assign status <batch> --watch --exit-status');
  const config = loadConfig();
  const handle = await openStore(config);
  try {
    if (batchId !== undefined) {
      let b = await handle.store.getBatch(batchId);
      if (b && flags.watch) b = await watch(handle.store, b);
      if (!b) throw new AppError('not-found', `no batch ${batchId} (check the id with \`bulk-assign status\`; batches expire after ${config.batchRetentionDays} days)`);
      if (flags.json) json(statusJson(b));
      else out(`${b.batchId} ${b.state}: ${b.rows} rows, assigned ${b.assigned}, already member ${b.alreadyMember}, failed ${b.failed}, invalid ${b.invalid}, duplicate ${b.duplicate}, pending ${b.pending}`);
      return flags.exitStatus ? exitStatusOf(b, flags.watch ?? false) : 0;
    }
    const list = await handle.store.listBatches(20);
    if (flags.json) {
      json(list.map(batchListEntryJson));
    } else if (list.length === 0) {
      out('no batches');
    } else {
      for (const b of list) out(`${b.batchId}  ${b.state.padEnd(9)}  ${b.rows} rows  assigned ${b.assigned}  failed ${b.failed}  invalid ${b.invalid}  duplicate ${b.duplicate}  pending ${b.pending}  ${b.createdAt}`);
    }
    return 0;
  } finally {
    await handle.close();
  }
}
