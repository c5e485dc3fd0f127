import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../log/logger.js';
import { makeBatchId, validateBatchId } from '../../queue/batch-id.js';
import { importBatch, planFile, validateFile, type ImportOptions } from '../../queue/import-batch.js';
import { join } from 'node:path';
import { importJson } from '../../report/status-json.js';
import { json, out } from '../output.js';

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
  if (flags.dryRun && flags.skipExisting) {
    const { readExistingMemberships } = await import('../../queue/server-memberships.js');
    const existing = await readExistingMemberships(config, createLogger({ level: config.logLevel, fd: 2 }));
    const plan = await planFile(file, looseIds, existing.inPlace, existing.knownUser);
    if (flags.json) json({ dryRun: true, ...plan });
    else out(`dry run: ${plan.rows} rows: ${plan.toAssign} to assign, ${plan.alreadyInPlace} already in place, ${plan.unknownUsers} of those to assign have account users the server does not list; ${plan.invalid} invalid, ${plan.duplicate} duplicate; nothing enqueued`);
    return 0;
  }
  if (flags.dryRun) {
    const { duplicates: _duplicates, ...counts } = await validateFile(file, looseIds);
    if (flags.json) json({ dryRun: true, ...counts });
    else out(`dry run: ${counts.rows} rows: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.duplicate} duplicate; nothing enqueued`);
    return 0;
  }
  const batchId = flags.batch !== undefined ? validateBatchId(flags.batch) : makeBatchId(file);
  // Logs go to stderr here: stdout carries the batch id (or the JSON) for scripts.
  const log = createLogger({ level: config.logLevel, fd: 2 });
  const { openProducer } = await import('../../queue/producer.js');
  const producer = await openProducer(config);
  try {
    let inPlace: ImportOptions['inPlace'];
    if (flags.skipExisting) {
      const { inPlaceFromServer } = await import('../../queue/server-memberships.js');
      inPlace = await inPlaceFromServer(config, log);
    }
    const res = await importBatch(file, producer.store, producer.queue, log, { batchId, looseIds, inPlace });
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
