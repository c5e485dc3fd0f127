import { AppError } from '../errors.js';

/**
 * A batch that existed a moment ago and is no longer in Redis: its keys vanished together, which is what a Redis
 * restarted without persistence (or flushed) looks like. Whoever waits on the batch stops with this one line.
 */
export function batchGoneError(batchId: string): AppError {
  return new BatchGoneError(batchId);
}

/** The error of {@link batchGoneError}; a worker that meets it stops (exit 1) rather than write into nothing. */
export class BatchGoneError extends AppError {
  constructor(readonly batchId: string) {
    super('redis', `batch ${batchId} is gone from Redis (was Redis restarted without persistence?)`);
  }
}
