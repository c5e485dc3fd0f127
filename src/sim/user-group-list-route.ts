import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleListCall } from './list-call.js';
import type { SimState } from './sim-state.js';

/**
 * `GET /public/v1/accounts/user-groups?offset=&limit=`: the seeded directory's groups in id order. Groups that exist
 * only because an assign call named them are not listed: the list is for finding ids from names, and those have none
 * but the one made up from their id.
 */
export function handleUserGroupList(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  now: number,
): void {
  handleListCall(state, req, res, query, now, 'list-user-groups', (offset, limit) => {
    const { groupCount } = state.directory;
    const items: string[] = [];
    for (let g = offset; g < Math.min(groupCount, offset + limit); g++) {
      items.push(state.groupJson.listed(state.directory.group(g)));
    }
    return { total: groupCount, data: items.join(',') };
  });
}
