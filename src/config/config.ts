/**
 * The resolved configuration. Built once at start-up by `loadConfig` from the environment (and `.env`), overridden
 * by command-line flags, validated, then frozen. Every other module reads this type, never `process.env`.
 */
export interface Config {
  /** Redis connection URL. @defaultValue 'redis://127.0.0.1:6379' (env `REDIS_URL`) */
  readonly redisUrl: string;
  /**
   * Key prefix of every Redis key this tool writes. Braces make it a Redis Cluster hash tag so that a queue's keys
   * and the batch records live in one slot (Lua scripts touch both).
   * @defaultValue '{bulk-assign}' (env `QUEUE_PREFIX`)
   */
  readonly prefix: string;
  /** Base URL of the S1 API. @defaultValue 'https://api.s1.today' (env `S1_API_URL`) */
  readonly apiUrl: string;
  /** Bearer token; required to process jobs, never logged or stored. @defaultValue undefined (env `S1_API_TOKEN`) */
  readonly apiToken: string | undefined;
  /** Requests per second across all workers together (any sliding 1 s window). @defaultValue 10 (env `S1_RATE_LIMIT`) */
  readonly rateLimit: number;
  /**
   * Safety margin of the global limiter, in ms: its window is 1 s plus this. Each slot is stamped when its request
   * is written to the socket (or, answered more than this late, with its answer less this), so the margin only has
   * to cover how much later than that the server may count the request.
   * @defaultValue 25 (env `S1_RATE_SLACK_MS`)
   */
  readonly rateSlackMs: number;
  /**
   * Requests in flight to S1 per worker process (its connections to the API, at most 256); the worker holds twice
   * as many jobs as connections, so their Redis round trips do not leave connections idle. When unset it follows
   * from the rate: enough requests in flight to keep the rate busy at up to 2 s of latency.
   * @defaultValue clamp(2 x rateLimit, 4, 500) (env `S1_CONCURRENCY`)
   */
  readonly concurrency: number;
  /** Per-request timeout in ms (headers and body). @defaultValue 15000 (env `S1_TIMEOUT_MS`) */
  readonly timeoutMs: number;
  /** Attempts per row for transient failures (5xx, 408, 425, timeouts, resets). @defaultValue 5 (env `S1_MAX_ATTEMPTS`) */
  readonly maxAttempts: number;
  /** Base delay of the exponential backoff with full jitter, in ms. @defaultValue 1000 (env `S1_BACKOFF_MS`) */
  readonly backoffMs: number;
  /** Longest pause honoured from a Retry-After header, in ms. @defaultValue 60000 (env `S1_RETRY_AFTER_MAX_MS`) */
  readonly retryAfterMaxMs: number;
  /** 429 answers one row may get before it ends as failed `rate-limited`. @defaultValue 30 (env `S1_MAX_RATE_LIMITED`) */
  readonly maxRateLimited: number;
  /** pino level. @defaultValue 'info' (env `LOG_LEVEL`) */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where finished batches' reports are written, one folder per batch. @defaultValue 'reports' (env `REPORT_DIR`) */
  readonly reportDir: string;
  /** Days a batch's records (counts, failures) are kept in Redis. @defaultValue 30 (env `BATCH_RETENTION_DAYS`) */
  readonly batchRetentionDays: number;
  /** BullMQ job lock duration in ms; a crashed worker's jobs are retried after about this long. @defaultValue 30000 (env `WORKER_LOCK_MS`) */
  readonly lockDurationMs: number;
  /** How often workers look for stalled jobs, in ms. @defaultValue 30000 (env `WORKER_STALLED_INTERVAL_MS`) */
  readonly stalledIntervalMs: number;
  /** Seconds a worker waits for in-flight requests after SIGINT/SIGTERM before forcing. @defaultValue 30 (env `SHUTDOWN_GRACE_SECONDS`) */
  readonly shutdownGraceSeconds: number;
  /**
   * Webhook that gets a signed JSON POST when a batch finishes or a schedule tick fails (src/notify). Treated as a
   * secret, since incoming-webhook URLs (Slack, Teams) carry their credential in the path: logs show only its origin.
   * Unset: no notifications. @defaultValue undefined (env `NOTIFY_URL`)
   */
  readonly notifyUrl: string | undefined;
  /**
   * Key of the HMAC-SHA256 signature in `X-Bulk-Assign-Signature`; required when `notifyUrl` is set, never logged,
   * stored or sent. @defaultValue undefined (env `NOTIFY_SECRET`)
   */
  readonly notifySecret: string | undefined;
  /**
   * Port of the worker's `/metrics` (Prometheus) and `/healthz` server; unset: not served.
   * @defaultValue undefined (env `METRICS_PORT`)
   */
  readonly metricsPort: number | undefined;
  /**
   * Address that server listens on (containers want `0.0.0.0`).
   * @defaultValue '127.0.0.1' (env `METRICS_HOST`)
   */
  readonly metricsHost: string;
  /**
   * Lets a worker start on a Redis whose maxmemory-policy evicts keys (it then only warns). Evicted jobs end as
   * failed `evicted`; set it only for a Redis you cannot reconfigure.
   * @defaultValue false (env `ALLOW_EVICTION=1`)
   */
  readonly allowEviction: boolean;
  /**
   * Hours a row job that failed stays in the queue's failed list (for Bull Board at the console's /queues) after its
   * row's outcome is recorded; 0 removes it at once.
   * @defaultValue 24 (env `KEEP_FAILED_JOBS_HOURS`)
   */
  readonly keepFailedJobsHours: number;
}
