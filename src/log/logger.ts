import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

// pino-pretty is loaded only by a process that prints for a person: workers and CI logs write NDJSON, and every
// module a process loads is start-up time (a worker's rows wait for it).
const requireCjs = createRequire(import.meta.url);

export type { Logger } from 'pino';

/**
 * Paths pino blanks in every log line. The token never reaches a log through our own code, but a config dump or an
 * error carrying request options could hold it; these paths catch it there too.
 */
export const REDACT_PATHS = [
  'apiToken',
  '*.apiToken',
  'token',
  '*.token',
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  /** pino level. @defaultValue 'info' */
  level?: string;
  /** Where lines go: 1 = stdout, 2 = stderr. @defaultValue 1 */
  fd?: 1 | 2;
  /** Pretty-print for people; NDJSON otherwise. @defaultValue true when the target is a TTY */
  pretty?: boolean;
  /** Write NDJSON here instead of `fd` (an in-process sink: tests read what the process would print). */
  destination?: DestinationStream;
}

/** The one root logger of a process; modules take children of it that carry batchId, jobId and line. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const isTty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  const pretty = options.pretty ?? Boolean(isTty);
  const base = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    // In-process and synchronous (no transport thread), so nothing is lost when the CLI exits.
    const pinoPretty = requireCjs('pino-pretty') as typeof PinoPretty;
    return pino(base, pinoPretty({ destination: fd, colorize: true, sync: true }));
  }
  // Synchronous writes: the CLI exits with process.exit, and an asynchronous buffer would lose the last lines.
  return pino(base, pino.destination({ fd, sync: true }));
}
