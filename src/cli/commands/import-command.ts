import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../log/logger.js';
import { makeBatchId, validateBatchId } from '../../queue/batch-id.js';
import { importBatch, planFile, validateFile, type ImportOptions } from '../../queue/import-batch.js';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { importJson } from '../../report/status-json.js';
import { json, out } from '../output.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import type { Directory } from '../../queue/server-names.js';
import { resolutionCost, resolveProgress } from '../resolve-progress.js';

export interface ImportFlags {
  batch?: string;
  dryRun?: boolean;
  json?: boolean;
  looseIds?: boolean;
  skipExisting?: boolean;
}

export async function importCommand(file: string, flags: ImportFlags): Promise<number> {
  const config = loadConfig();
  const looseIds = flags.looseIds ?? false;
  // BullMQ, the S1 client and the report writer are loaded only when this run needs them: every module costs
  // start-up time and memory that a million-row import carries to its end.
  if (flags.dryRun) {
    const log = createLogger({ level: config.logLevel, fd: 2 });
    const names = await resolveNames(config, log, file);
    const cost = resolutionCost(names, config.rateLimit);
    if (flags.skipExisting) {
      const { readExistingMemberships } = await import('../../queue/server-memberships.js');
      const existing = await readExistingMemberships(config, log);
      const plan = await planFile(file, looseIds, existing.inPlace, existing.knownUser, names);
      if (flags.json) json({ dryRun: true, ...plan, resolution: cost });
      else out(`dry run: ${plan.rows} rows: ${plan.toAssign} to assign, ${plan.alreadyInPlace} already in place, ${plan.unknownUsers} of those to assign have account users the server does not list; ${plan.invalid} invalid, ${plan.duplicate} duplicate${describeReasons(plan.reasons)}${describeCost(cost, config.rateLimit)}; nothing enqueued`);
      return 0;
    }
    const { duplicates: _duplicates, ...counts } = await validateFile(file, looseIds, names);
    if (flags.json) json({ dryRun: true, ...counts, resolution: cost });
    else out(`dry run: ${counts.rows} rows: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.duplicate} duplicate${describeReasons(counts.reasons)}${describeCost(cost, config.rateLimit)}; nothing enqueued`);
    return 0;
  }
  const batchId = flags.batch !== undefined ? validateBatchId(flags.batch) : makeBatchId(file);
  // Logs go to stderr here: stdout carries the batch id (or the JSON) for scripts.
  const log = createLogger({ level: config.logLevel, fd: 2 });
  // An import's garbage is BullMQ's objects for chunks in flight, which outlive a young collection; V8 let the old
  // space grow to about four times what survived its last full collection (16-24 MB of 83-95), and that set the
  // peak RSS: 182-203 MB over six imports of 1,000,000 rows, against a target under 200. Growth capped at twice:
  // 155-177 MB over five, in about the same time (59-62 s against 56-62). V8 reads the factor at each full
  // collection, and this process does nothing after the import but write its report.
  setFlagsFromString('--heap-growing-percent=100');
  const { openProducer } = await import('../../queue/producer.js');
  const producer = await openProducer(config);
  try {
    let inPlace: ImportOptions['inPlace'];
    if (flags.skipExisting) {
      const { inPlaceFromServer } = await import('../../queue/server-memberships.js');
      inPlace = await inPlaceFromServer(config, log);
    }
    const names = await resolveNames(config, log, file);
    const res = await importBatch(file, producer.store, producer.queue, log, { batchId, looseIds, inPlace, names });
    if (res.done) {
      const { writeReport } = await import('../../report/index.js');
      await writeReport(producer.store, batchId, join(config.reportDir, batchId));
    }
    if (flags.json) {
      json(importJson(res));
    } else {
      out(res.batchId);
    }
    return 0;
  } finally {
    await producer.close();
  }
}

/** Resolves the file's e-mails and group names (when it uses any) with progress on a terminal. */
export async function resolveNames(config: Config, log: Logger, file: string): Promise<Directory | undefined> {
  const { resolveNamesFromServer } = await import('../../queue/server-names.js');
  const progress = resolveProgress();
  try {
    return await resolveNamesFromServer(config, log, file, progress.onPage);
  } finally {
    progress.done();
  }
}

function describeReasons(reasons: Record<string, number> | undefined): string {
  const entries = Object.entries(reasons ?? {});
  return entries.length === 0 ? '' : ` (${entries.map(([reason, n]) => `${reason} ${n}`).join(', ')})`;
}

function describeCost(cost: { pages: number; estimatedSeconds: number }, rate: number): string {
  return cost.pages === 0 ? '' : `; names resolved from ${cost.pages} list pages, about ${cost.estimatedSeconds}s at ${rate} requests/s`;
}
