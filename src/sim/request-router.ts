import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { deliver, problemAnswer, type Answer } from './api-answer.js';
import { handleAssign } from './assign-route.js';
import { handleControl } from './control-routes.js';
import { handleAccountUserList } from './account-user-list-route.js';
import { nowMs, type SimState } from './sim-state.js';
import { handleUserGroupList } from './user-group-list-route.js';

const ACCOUNT_USERS_PATH = '/public/v1/accounts/account-users';
const USER_GROUPS_PATH = '/public/v1/accounts/user-groups';
const ASSIGN_PREFIX = `${ACCOUNT_USERS_PATH}/`;
const ASSIGN_SUFFIX = '/groups';
const CONTROL_PREFIX = '/_sim/';
/** Bodies here are a few bytes; the cap keeps a broken or hostile client from holding memory. */
const MAX_BODY_CHARS = 64 * 1024;

/**
 * The simulator's request listener. Routing is by string comparison on the raw path (no URL object per request);
 * the path segment of the assign call is kept raw here and percent-decoded by the route, so `..%2F` arrives there
 * intact and is judged against the id pattern.
 */
export function createRequestHandler(state: SimState): RequestListener {
  return (req, res) => {
    const now = nowMs(); // arrival, before the body: this is what rate limits and maxInAnySecond measure
    const url = req.url ?? '/';
    state.stats.recordRequest(url);
    if (!url.startsWith(CONTROL_PREFIX)) {
      state.apiRequestArrived(now);
      state.stats.opened();
      res.once('close', () => state.stats.closed());
    }
    readBody(req, (body) => {
      try {
        route(state, req, res, url, body, now);
      } catch (err) {
        // A bug in the simulator must show up as a 500 in the test that hit it, not as a crashed server.
        if (!res.headersSent) deliver(state, req, res, problemAnswer(500, `Simulator error: ${String(err)}`));
      }
    });
  };
}

function route(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  body: string | null,
  now: number,
): void {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  if (body === null) {
    return deliver(state, req, res, problemAnswer(413, `Request body exceeds ${MAX_BODY_CHARS} characters.`));
  }
  if (path.startsWith(CONTROL_PREFIX)) return handleControl(state, req, res, path, body);

  if (path === ACCOUNT_USERS_PATH) {
    if (req.method === 'GET') return handleAccountUserList(state, req, res, query, now);
    return deliver(state, req, res, notAllowed(req, 'GET'));
  }
  if (path === USER_GROUPS_PATH) {
    if (req.method === 'GET') return handleUserGroupList(state, req, res, query, now);
    return deliver(state, req, res, notAllowed(req, 'GET'));
  }
  if (path.startsWith(ASSIGN_PREFIX) && path.endsWith(ASSIGN_SUFFIX)) {
    const rawId = path.slice(ASSIGN_PREFIX.length, path.length - ASSIGN_SUFFIX.length);
    if (rawId.length > 0 && !rawId.includes('/')) {
      if (req.method === 'POST') return handleAssign(state, req, res, rawId, body, now);
      return deliver(state, req, res, notAllowed(req, 'POST'));
    }
  }
  deliver(state, req, res, problemAnswer(404, `No resource at ${path.slice(0, 200)}.`));
}

function notAllowed(req: IncomingMessage, allow: string): Answer {
  return problemAnswer(405, `${req.method ?? ''} is not allowed here.`, { allow });
}

/** Collects the body as text, or null when it exceeds the cap (the rest is drained so keep-alive survives). */
function readBody(req: IncomingMessage, done: (body: string | null) => void): void {
  let body = '';
  let tooBig = false;
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    if (tooBig) return;
    body += chunk;
    if (body.length > MAX_BODY_CHARS) {
      tooBig = true;
      body = '';
    }
  });
  req.on('end', () => done(tooBig ? null : body));
  // A client that disconnects mid-body gets no answer; without a listener the error would be thrown.
  req.on('error', () => undefined);
}
