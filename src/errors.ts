/**
 * The one application error class. `code` says what the caller should do next; `cause` keeps the original error.
 * Messages are written for the person running the tool: one line, naming what to fix. They never contain secrets.
 */
export type AppErrorCode =
  | 'config' // bad configuration value: fix the named env var or flag
  | 'csv-header' // the header row lacks a required column
  | 'csv-structure' // the file cannot be parsed to the end (unclosed quote, huge record, not UTF-8, too many columns)
  | 'io' // a file could not be read or written
  | 'redis' // Redis unreachable or misbehaving
  | 'batch-conflict' // a different file was imported under an existing batch id
  | 'not-found' // a named batch or schedule does not exist
  | 'auth' // the S1 API rejected the token (401/403)
  | 'unreachable' // nothing answered at S1_API_URL (refused, DNS, TLS, timeout) or it answered 5xx
  | 'internal';

export class AppError extends Error {
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
