/** Local S1 simulator: same paths, auth, problem details, rate limit and fault injection as the real API. */
export { startSimulator, type Simulator } from './start-simulator.js';
export { DEMO_DIRECTORY } from './sim-options.js';
export type { SimOptions, SimOptionsPatch, RetryAfterForm, AlreadyMemberStatus } from './sim-options.js';
export type { FaultCall, FaultKind, FaultRule } from './fault-rules.js';
export {
  seedDirectory,
  type SeededDirectory,
  type DirectoryFacts,
  type DirectoryGroup,
  type DirectoryUser,
} from './seed-directory.js';
export type { SimStats } from './sim-stats.js';
export type { SeedUser } from './membership-store.js';
export { maxInWindow } from './max-in-window.js';
export { parseRateSchedule, scheduledRate, type RateSchedule, type RateSegment } from './rate-schedule.js';
