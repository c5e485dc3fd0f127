/** The composition root of a worker process; the only place in src/ that wires jobs/ and src/report in. */
export { startWorker, type StartWorkerOptions, type WorkerHandle } from './start-worker.js';
export type { AuthFailure } from './auth-gate.js';
export type { WorkerHealth } from './health.js';
export { connectionsFor, jobsInHand } from './capacity.js';
export { checkS1 } from './preflight.js';
