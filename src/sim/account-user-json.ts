import type { AccountUserRecord } from './membership-store.js';

/*
 * The account user resource as s1-api.md shows it, serialised by hand: the constant parts are JSON-encoded once and
 * groups are cached per id, so a 200 costs a few string concatenations instead of a 1.5 KB JSON.stringify (which was
 * the simulator's largest own cost under load). Per-user parts derive from the id, so a user looks the same across
 * calls and runs. Groups are written by group-json.ts, which caches them per simulator.
 */

const ADMIN = { id: 'USR-0000-0001', name: 'Admin', icon: '', revision: 1 };
/** The account every simulated user and group belongs to. */
export const ACCOUNT = { id: 'ACC-1671-0642', name: 'Acme', icon: '', revision: 1, type: 'Client', status: 'Active' };
/** The modules every simulated user and group has. */
export const MODULES = [
  {
    id: 'MOD-1234',
    name: 'Invoices',
    revision: 1,
    description: '',
    filters: { 'group.buyers': ['BUY-1111-2222'] },
    settings: {
      configurable: true,
      default: true,
      paid: false,
      type: ['Client'],
      obsolete: false,
      eligibility: { multi: true, single: true },
    },
  },
];
const TAIL = JSON.stringify({
  buyers: [{ id: 'BUY-1111-2222', name: 'Acme EU', icon: '', revision: 1 }],
  modules: MODULES,
  account: ACCOUNT,
  invitation: { url: '', notes: '', status: 'Active' },
}).slice(1, -1); // the members without braces, to splice into the object
const META = JSON.stringify({ omitted: ['audit'] });
const ADMIN_JSON = JSON.stringify(ADMIN);

/** `AUSR-aaaa-bbbb-cccc` -> `USR-bbbb-cccc`; any other id (loose mode) gets a fixed placeholder. */
function platformUserId(accountUserId: string): string {
  const m = /^AUSR-\d{4}-(\d{4}-\d{4})$/.exec(accountUserId);
  return m ? `USR-${m[1]}` : 'USR-0000-0000';
}

/** The full account user resource as JSON text, with `groups` in the order given, each as `groupJson` writes it. */
export function accountUserJson(
  record: AccountUserRecord,
  groups: Iterable<string>,
  createdAt: string,
  groupJson: (groupId: string) => string,
): string {
  const user: Record<string, unknown> = {
    id: platformUserId(record.id),
    name: record.name ?? `User ${record.id}`,
    icon: '',
    revision: 1,
  };
  if (record.email !== undefined) user.email = record.email;
  let groupList = '';
  for (const g of groups) groupList += (groupList === '' ? '' : ',') + groupJson(g);
  const created = `{"at":"${createdAt}","by":${ADMIN_JSON}}`;
  const audit =
    `{"created":${created},"updated":{"at":"${record.updatedAt}","by":${ADMIN_JSON}},` +
    `"invitationAcceptedAt":"${createdAt}","access":{"at":"${createdAt}"},"joined":{"at":"${createdAt}"}}`;
  return (
    `{"id":${JSON.stringify(record.id)},"audit":${audit},"$meta":${META},"revision":${record.revision},` +
    `"user":${JSON.stringify(user)},"groups":[${groupList}],${TAIL},"lastLoginAt":"${createdAt}"}`
  );
}
