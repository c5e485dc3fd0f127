import { classifyStatus } from './retry-rules.js';
import { problemMessage } from './problem-details.js';
import { S1TransportError, type S1Client, type WireObserver } from './s1-client.js';

/**
 * What one authenticated read (`GET /public/v1/accounts/account-users?limit=1`) says about the configured URL and
 * token, before anything is queued or taken:
 * - `ok`: the token is accepted (a 429 counts: the server knew the token well enough to limit it);
 * - `token`: 401/403, the token is wrong for every row;
 * - `unreachable`: nothing answered (refused, DNS, TLS, timeout) or the server failed (5xx): may pass on its own;
 * - `not-s1`: something answered, but not as the S1 list call does (404, other 4xx): the URL is wrong.
 */
export type AccessCheck =
  | { ok: true; status: number }
  | { ok: false; kind: 'token' | 'unreachable' | 'not-s1'; status?: number; message: string };

export async function checkAccess(client: S1Client, apiUrl: string, signal?: AbortSignal, observer?: WireObserver): Promise<AccessCheck> {
  let status: number;
  let body: unknown;
  try {
    ({ status, body } = await client.listAccountUsers(0, 1, { signal, observer }));
  } catch (err) {
    if (!(err instanceof S1TransportError)) throw err;
    return { ok: false, kind: 'unreachable', message: `cannot reach S1 at ${apiUrl} (${err.message}): check S1_API_URL and the network` };
  }
  const cls = classifyStatus(status);
  if (cls === 'success' || cls === 'rate-limited') return { ok: true, status };
  if (cls === 'auth') return { ok: false, kind: 'token', status, message: `S1 at ${apiUrl} rejected the API token (HTTP ${status}): set a valid S1_API_TOKEN` };
  const detail = problemMessage(body);
  const said = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (cls === 'transient') return { ok: false, kind: 'unreachable', status, message: `S1 at ${apiUrl} is failing (${said}); try again later` };
  return { ok: false, kind: 'not-s1', status, message: `${apiUrl} does not answer like the S1 API (${said} to GET /public/v1/accounts/account-users): check S1_API_URL` };
}
