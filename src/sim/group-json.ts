import { ACCOUNT, MODULES } from './account-user-json.js';
import type { DirectoryGroup, SeededDirectory } from './seed-directory.js';

/** Most groups whose JSON is kept; a run uses few groups, a directory at most 10,000. */
const CACHE_MAX = 100_000;
const GROUP_TAIL = JSON.stringify({ account: ACCOUNT, modules: MODULES }).slice(1, -1);

/**
 * Groups as JSON text, cached per simulator (the directory, and so a group's name, belongs to one simulator).
 * A directory group has its directory name; any other group id is named after its last block ("Group 5678").
 */
export class GroupJson {
  private readonly members = new Map<string, string>();

  constructor(private readonly directory: SeededDirectory) {}

  /** A group as it appears inside an account user's `groups`. */
  member(groupId: string): string {
    let json = this.members.get(groupId);
    if (json === undefined) {
      const group = { id: groupId, name: this.nameOf(groupId), revision: 1, description: '', logo: '', isDefault: false };
      const index = this.directory.groupIndex(groupId);
      if (index >= 0) group.isDefault = this.directory.group(index).isDefault;
      json = JSON.stringify(group);
      if (this.members.size < CACHE_MAX) this.members.set(groupId, json);
    }
    return json;
  }

  /** A group as the user-groups list shows it: the member fields plus `account` and `modules`. */
  listed(group: DirectoryGroup): string {
    const head = JSON.stringify({
      id: group.id,
      name: group.name,
      revision: 1,
      description: '',
      logo: '',
      isDefault: group.isDefault,
    }).slice(0, -1);
    return `${head},${GROUP_TAIL}}`;
  }

  private nameOf(groupId: string): string {
    const index = this.directory.groupIndex(groupId);
    if (index >= 0) return this.directory.group(index).name;
    return `Group ${/(\d{4})$/.exec(groupId)?.[1] ?? groupId}`;
  }
}
