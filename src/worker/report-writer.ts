import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import type { Notifier } from '../notify/index.js';
import type { BatchStore } from '../queue/index.js';
import { writeReport } from '../report/index.js';
import { pendingWork } from './pending-work.js';

/** Writes the report of each batch this worker finished; `settle()` waits for those still being written. */
export interface ReportWriter {
  batchDone(batchId: string): void;
  settle(): Promise<unknown>;
}

/** After the report: the batch.finished notification (queued, never awaited by the batch), then `onWritten`. */
export function createReportWriter(store: BatchStore, reportDir: string, log: Logger, notifier: Notifier, onWritten?: (batchId: string) => void): ReportWriter {
  // close() waits for these, so a worker stopped right after a batch finished still leaves its report.
  const writing = pendingWork();
  return {
    batchDone(batchId) {
      const p: Promise<void> = writeReport(store, batchId, join(reportDir, batchId)).then(
        (w) => {
          log.info({ batchId, report: w.jsonPath, failures: w.csvPath, rows: w.report.rows, assigned: w.report.assigned, failed: w.report.failed }, 'batch finished; report written');
          void notifier.batchFinished({ ...w.report, reportPath: w.jsonPath });
          onWritten?.(batchId);
        },
        (err: unknown) => log.error({ batchId, err }, 'batch finished but the report could not be written'),
      );
      writing.track(p);
    },
    settle: writing.settle,
  };
}
