/**
 * How each answer is treated, as data rather than an if-chain. `permanent`: fail the row at once, no retry.
 * `transient`: throw so BullMQ retries with backoff. `auth`: the token is wrong for every row. `rate-limited`: wait
 * for Retry-After without using an attempt.
 */
export type AnswerClass = 'success' | 'permanent' | 'transient' | 'auth' | 'rate-limited';

export const STATUS_CLASS: Readonly<Record<number, AnswerClass>> = {
  200: 'success',
  201: 'success',
  204: 'success',
  401: 'auth',
  403: 'auth',
  408: 'transient',
  425: 'transient',
  429: 'rate-limited',
};

/** Statuses not listed above: any 5xx is transient; everything else (400, 404, 409, 422, 3xx ...) is permanent. */
export function classifyStatus(status: number): AnswerClass {
  return STATUS_CLASS[status] ?? (status >= 500 && status <= 599 ? 'transient' : 'permanent');
}

/** Transport failures: a timeout or a reset connection may succeed next time; an unsafe id never will. */
export const TRANSPORT_CLASS = {
  timeout: 'transient',
  network: 'transient',
  aborted: 'transient',
  'invalid-id': 'permanent',
} as const satisfies Record<string, AnswerClass>;
