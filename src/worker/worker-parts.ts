import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Notifier } from '../notify/index.js';
import type { BatchStore, RedisOutageLog } from '../queue/index.js';
import type { ReportWriter } from './report-writer.js';

/** What the pieces of one worker process share: built once by startWorker, closed by it in reverse order. */
export interface WorkerParts {
  config: Config;
  log: Logger;
  redis: Redis;
  store: BatchStore;
  queue: Queue;
  reports: ReportWriter;
  /** Queues batch.finished / schedule.failed webhooks (does nothing without NOTIFY_URL). */
  notifier: Notifier;
  /** Folds Redis connection errors into one warn per outage: every Redis-using part's error listener. */
  outage: RedisOutageLog;
  /** Ends the process with this error (exit 1): what waiting cannot fix, e.g. a batch gone from Redis. */
  raiseFatal(err: AppError): void;
  /** Aborted when shutdown is forced: every in-flight request listens to it. */
  force: AbortSignal;
}
