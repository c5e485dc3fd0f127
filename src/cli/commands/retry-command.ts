import { loadConfig } from '../../config/index.js';
import { openProducer } from '../../queue/index.js';
import { retryBatch } from '../../queue/retry-batch.js';
import { json, out } from '../output.js';

export interface RetryFlags {
  reason?: string[];
  all?: boolean;
  json?: boolean;
}

/** Puts failed rows back to work; a batch with nothing to retry says so and exits 0. */
export async function retryCommand(batchId: string, flags: RetryFlags): Promise<number> {
  const config = loadConfig();
  const producer = await openProducer(config);
  try {
    const res = await retryBatch(producer.store, producer.queue, batchId, { reasons: flags.reason, all: flags.all });
    if (flags.json) json(res);
    else if (res.retried === 0) out(`nothing to retry in batch ${batchId}${flags.all ? '' : ' (only transient failures are retried by default; --all takes every failed row)'}`);
    else out(`batch ${batchId}: ${res.retried} rows back to work (${Object.entries(res.byReason).map(([r, n]) => `${r} ${n}`).join(', ')}); a worker will process them`);
    return 0;
  } finally {
    await producer.close();
  }
}
