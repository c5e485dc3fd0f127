export { defuseCell, undefuseCell } from './defuse-cell.js';
export { isValidAccountUserId, isValidGroupId } from './id-shapes.js';
export { readAssignments } from './read-assignments.js';
export type { InvalidReason, ReadAssignmentsOptions, RowResult } from './types.js';
export { emailKey, groupNameKey, looksLikeEmail, type LookupResult, type NameLookup, type NamesUsed } from './name-lookup.js';
export { namesUsed } from './names-used.js';
export { readSourceCells, type SourceCell, type SourceRow } from './read-source-cells.js';
