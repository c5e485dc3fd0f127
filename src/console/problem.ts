import type { FastifyReply } from 'fastify';
import { isAppError, type AppErrorCode } from '../errors.js';

/** What each application error means to an HTTP client (as data, like the S1 retry rules). */
export const STATUS_OF_CODE: Readonly<Record<AppErrorCode, number>> = {
  config: 400,
  'csv-header': 400,
  'csv-structure': 400,
  io: 500,
  redis: 503,
  'batch-conflict': 409,
  'not-found': 404,
  auth: 502,
  unreachable: 502,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem details body, as S1 answers its own errors. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

export function problem(status: number, detail: string, instance?: string): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...(instance ? { instance } : {}) };
}

export function sendProblem(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply.code(status).type('application/problem+json; charset=utf-8').send(problem(status, detail, reply.request.url.split('?')[0]));
}

/**
 * The status and the one-line detail for any error. Application errors keep their message (it names what to fix
 * and never holds a secret); anything else is 500 with a generic detail, logged by the caller.
 */
export function describeError(err: unknown): { status: number; detail: string; expected: boolean } {
  if (isAppError(err)) return { status: STATUS_OF_CODE[err.code], detail: err.message, expected: err.code !== 'internal' && err.code !== 'io' };
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE') return { status: 413, detail: String(e.message ?? 'upload too large'), expected: true };
    return { status: e.statusCode, detail: String(e.message ?? 'bad request'), expected: true };
  }
  return { status: 500, detail: 'unexpected error in the console (see its log)', expected: false };
}
