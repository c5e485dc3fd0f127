export { BatchStore, toStatus, type BatchStatus, type RecordResult } from './batch-store.js';
export { importBatch, validateFile, type ImportOptions, type ImportResult, type ValidationCounts } from './import-batch.js';
export { makeBatchId, validateBatchId, BATCH_ID_PATTERN } from './batch-id.js';
export { openProducer, type Producer } from './producer.js';
export { startWorker, type WorkerHandle, type AuthFailure } from './start-worker.js';
export { GlobalRateLimiter, LimiterClosedError } from './global-rate-limiter.js';
export { createRedis, connectRedis, describeRedisUrl, evictionPolicyWarning } from './redis-connection.js';
export { batchKeys, globalKeys, ASSIGN_QUEUE } from './keys.js';
export { OUTCOMES, type Outcome, type FailureDetail } from './outcomes.js';
