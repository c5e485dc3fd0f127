import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, isAppError } from '../errors.js';
import { parseFaultRule } from './fault-rules.js';
import { parseSeedUsers } from './parse-seed-users.js';
import type { SimState } from './sim-state.js';

/**
 * The simulator's own endpoints under `/_sim/`, without auth, latency or rate limit, so a test or a demo in another
 * process can steer and inspect it:
 * - `GET /_sim/stats` SimStats JSON; `POST /_sim/reset` clears stats, faults and memberships;
 * - `POST /_sim/faults` adds a FaultRule or an array of them (all or none); `DELETE /_sim/faults` removes all;
 * - `POST /_sim/options` applies an options patch (one naming `rateSchedule` restarts the schedule's clock);
 * - `GET /_sim/memberships` `{ accountUserId: [groupId...] }`; `POST /_sim/seed` seeds an array of users;
 * - `GET /_sim/directory` what the seeded directory holds (DirectoryFacts: shared and missing e-mails, duplicated
 *   group names, an unknown e-mail and group name).
 */
export function handleControl(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: string,
): void {
  const route = `${req.method ?? ''} ${path}`;
  try {
    switch (route) {
      case 'GET /_sim/stats':
        return send(res, 200, state.statsSnapshot());
      case 'POST /_sim/reset':
        state.reset();
        return send(res, 204);
      case 'POST /_sim/faults': {
        const value = parseJson(body);
        const rules = (Array.isArray(value) ? value : [value]).map(parseFaultRule);
        for (const rule of rules) state.faults.add(rule);
        return send(res, 204);
      }
      case 'DELETE /_sim/faults':
        state.faults.clear();
        return send(res, 204);
      case 'POST /_sim/options':
        state.applyOptions(parseJson(body));
        return send(res, 204);
      case 'GET /_sim/memberships': {
        const out: Record<string, string[]> = {};
        for (const [id, groups] of state.store.snapshot()) out[id] = [...groups];
        return send(res, 200, out);
      }
      case 'GET /_sim/directory':
        return send(res, 200, state.directory.facts());
      case 'POST /_sim/seed':
        state.store.seed(parseSeedUsers(parseJson(body)), new Date().toISOString());
        return send(res, 204);
      default:
        return send(res, 404, { error: `no control endpoint ${route}` });
    }
  } catch (err) {
    if (isAppError(err)) return send(res, 400, { error: err.message });
    throw err;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new AppError('config', 'simulator control: request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, value?: unknown): void {
  if (value === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
