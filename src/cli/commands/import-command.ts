import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../log/logger.js';
import { importBatch, makeBatchId, openProducer, validateBatchId, validateFile } from '../../queue/index.js';
import { writeReport } from '../../report/index.js';
import { join } from 'node:path';
import { json, out } from '../output.js';

export interface ImportFlags {
  batch?: string;
  dryRun?: boolean;
  json?: boolean;
  looseIds?: boolean;
}

export async function importCommand(file: string, flags: ImportFlags): Promise<number> {
  const config = loadConfig();
  const looseIds = flags.looseIds ?? false;
  if (flags.dryRun) {
    const counts = await validateFile(file, looseIds);
    if (flags.json) json({ dryRun: true, ...counts });
    else out(`dry run: ${counts.rows} rows: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.duplicate} duplicate; nothing enqueued`);
    return 0;
  }
  const batchId = flags.batch !== undefined ? validateBatchId(flags.batch) : makeBatchId(file);
  // Logs go to stderr here: stdout carries the batch id (or the JSON) for scripts.
  const log = createLogger({ level: config.logLevel, fd: 2 });
  const producer = await openProducer(config);
  try {
    const res = await importBatch(file, producer.store, producer.queue, log, { batchId, looseIds, maxAttempts: config.maxAttempts });
    if (res.done) await writeReport(producer.store, batchId, join(config.reportDir, batchId));
    if (flags.json) {
      json({ batchId: res.batchId, status: res.status, rows: res.rows, valid: res.valid, invalid: res.invalid, duplicate: res.duplicate, enqueued: res.enqueued });
    } else {
      out(res.batchId);
    }
    return 0;
  } finally {
    await producer.close();
  }
}
