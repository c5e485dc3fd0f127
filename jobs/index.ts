/** The registry of job kinds: the worker start-up in src/ wires these in, nothing else in src/ imports jobs/. */
export { ASSIGN_JOB, createAssignProcessor, type AssignContext, type AssignPayload } from './assign-user-to-group.js';
export { SYNC_JOB, SYNC_QUEUE, createSyncProcessor, type SyncContext, type SyncPayload } from './sync-schedule.js';
export { NOTIFY_JOB, NOTIFY_QUEUE, createNotifyProcessor, type NotifyContext, type NotifyPayload, type NotifyResult } from './deliver-notification.js';
