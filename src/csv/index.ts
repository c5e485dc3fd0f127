export { defuseCell, undefuseCell } from './defuse-cell.js';
export { isValidAccountUserId, isValidGroupId } from './id-shapes.js';
export { readAssignments } from './read-assignments.js';
export type { InvalidReason, ReadAssignmentsOptions, RowResult } from './types.js';
