import type { IncomingMessage } from 'node:http';
import { problemAnswer, type Answer } from './api-answer.js';
import type { SimState } from './sim-state.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Checks `Authorization: Bearer <token>`: undefined when allowed, else the 401/403 answer to give. */
export function authorize(state: SimState, req: IncomingMessage): Answer | undefined {
  const header = req.headers.authorization;
  const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
  if (token === state.options.token) return undefined;
  if (token !== undefined && state.options.forbiddenTokens.has(token)) {
    return problemAnswer(403, 'The API token is not allowed to change account user groups.');
  }
  const detail =
    header === undefined ? 'Authorization header is missing.' : 'Authorization bearer token is missing or not valid.';
  return problemAnswer(401, detail, { 'www-authenticate': 'Bearer' });
}
