import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleListCall } from './list-call.js';
import type { SimState } from './sim-state.js';

/**
 * `GET /public/v1/accounts/account-users?offset=&limit=`: account users in id order (the seeded directory's and any
 * other the simulator has seen), each with its groups and, where it has one, `user.email`.
 */
export function handleAccountUserList(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  now: number,
): void {
  handleListCall(state, req, res, query, now, 'list-account-users', (offset, limit) => {
    const { total, records } = state.store.page(offset, limit);
    return { total, data: records.map((r) => state.userJson(r, state.store.groupsOf(r.id))).join(',') };
  });
}
