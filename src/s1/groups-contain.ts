/** True when a 200 body (the account user after the change) lists the group; anything else means "not applied". */
export function groupsContain(body: unknown, groupId: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const groups = (body as { groups?: unknown }).groups;
  return Array.isArray(groups) && groups.some((g) => typeof g === 'object' && g !== null && (g as { id?: unknown }).id === groupId);
}
