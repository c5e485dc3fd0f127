import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { openStore } from '../../queue/open-store.js';
import { formatSummary, writeReport } from '../../report/index.js';
import { out } from '../output.js';

export async function reportCommand(batchId: string, flags: { out?: string }): Promise<number> {
  const config = loadConfig();
  const handle = await openStore(config);
  try {
    const w = await writeReport(handle.store, batchId, flags.out ?? join(config.reportDir, batchId));
    out(formatSummary(w.report, w));
    return 0;
  } finally {
    await handle.close();
  }
}
