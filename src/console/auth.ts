import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { sendProblem } from './problem.js';

export const SESSION_COOKIE = 'ba_session';
const SESSION_HOURS = 12;

/** Equal secrets in time that does not depend on where they differ (both are hashed to one length first). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Logged-in sessions: random ids kept in this process only, so a restart logs everyone out and no session can be
 * forged from the token. The cookie carries the id, never the token.
 */
export class Sessions {
  private readonly expiry = new Map<string, number>();

  create(): { id: string; maxAgeSeconds: number } {
    const id = randomBytes(32).toString('base64url');
    this.expiry.set(id, Date.now() + SESSION_HOURS * 3_600_000);
    return { id, maxAgeSeconds: SESSION_HOURS * 3600 };
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const until = this.expiry.get(id);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.expiry.delete(id);
      return false;
    }
    return true;
  }

  end(id: string | undefined): void {
    if (id) this.expiry.delete(id);
  }
}

const PUBLIC = [/^\/login(\?|$)/, /^\/assets\//, /^\/favicon\.ico$/];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Requests answered with 401 problem+json rather than a redirect to the login page. */
function isApi(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/queues/api/');
}

/**
 * A POST carrying the session cookie must come from the console's own pages: its Origin must name this host. A
 * browser adds the cookie to a cross-site form post (if SameSite were ever weakened) but cannot forge Origin.
 */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return false;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}

/**
 * The onRequest hook guarding every route but the login page and static assets: a valid bearer token (API
 * clients) or a session cookie (people). Without one, API calls get 401 and pages a redirect to /login.
 */
export function authHook(token: string, sessions: Sessions) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (PUBLIC.some((p) => p.test(req.url))) return;
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(.+)$/i.exec(header);
      if (m && sameSecret(m[1]!.trim(), token)) return;
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, 401, 'the bearer token is not the console token (CONSOLE_TOKEN)');
    }
    if (sessions.valid(req.cookies[SESSION_COOKIE])) {
      if (UNSAFE.has(req.method) && !sameOrigin(req)) return sendProblem(reply, 403, 'cross-site request refused: this form must be sent from the console itself');
      return;
    }
    if (isApi(req.url)) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, 401, 'log in at /login or send Authorization: Bearer <CONSOLE_TOKEN>');
    }
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 302);
  };
}

/** Where to go after logging in: only a path on this site (never `//host` or a full URL). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}
