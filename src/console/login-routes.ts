import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, safeNext, sameSecret, type Sessions } from './auth.js';
import { loginPage } from './pages/login-page.js';

/** `/login` (form field `token`) and `/logout`. The session cookie is HttpOnly, SameSite=Strict, Secure over https. */
export function registerLoginRoutes(app: FastifyInstance, token: string, sessions: Sessions): void {
  app.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => reply.type('text/html; charset=utf-8').send(loginPage(safeNext(req.query.next)).text));

  app.post<{ Body: { token?: unknown; next?: unknown } }>('/login', async (req, reply) => {
    const given = typeof req.body?.token === 'string' ? req.body.token : '';
    const next = safeNext(req.body?.next);
    if (!sameSecret(given, token)) {
      req.log.warn({ ip: req.ip }, 'console login refused');
      return reply.code(401).type('text/html; charset=utf-8').send(loginPage(next, 'That is not the console token.').text);
    }
    const session = sessions.create();
    reply.setCookie(SESSION_COOKIE, session.id, { path: '/', httpOnly: true, sameSite: 'strict', secure: req.protocol === 'https', maxAge: session.maxAgeSeconds });
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (req, reply) => {
    sessions.end(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
}
