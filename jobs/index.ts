/** The registry of job kinds: the worker start-up in src/ wires these in, nothing else in src/ imports jobs/. */
export { ASSIGN_JOB, createAssignProcessor, jitterBackoff, type AssignContext, type AssignPayload } from './assign-user-to-group.js';
