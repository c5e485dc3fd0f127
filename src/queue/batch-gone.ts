import { AppError } from '../errors.js';

/**
 * A batch that existed a moment ago and is no longer in Redis: its keys vanished together, which is what a Redis
 * restarted without persistence (or flushed) looks like. Whoever waits on the batch stops with this one line.
 */
export function batchGoneError(batchId: string): AppError {
  return new AppError('redis', `batch ${batchId} is gone from Redis (was Redis restarted without persistence?)`);
}
