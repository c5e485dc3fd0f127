import type { Socket } from 'node:net';
import { FaultTable } from './fault-rules.js';
import { MembershipStore } from './membership-store.js';
import { AdmissionWindow } from './admission-window.js';
import type { ResolvedSimOptions } from './sim-options.js';
import { StatsRecorder } from './sim-stats.js';

/** How far ahead the `Sunset` header points: far enough that no test run reaches it. */
const SUNSET_AFTER_MS = 180 * 24 * 3600 * 1000;

/** Everything one simulator instance holds, shared by its routes. */
export class SimState {
  readonly stats = new StatsRecorder();
  readonly faults = new FaultTable();
  readonly admission = new AdmissionWindow(1_000);
  readonly createdAt = new Date().toISOString();
  readonly store = new MembershipStore(this.createdAt);
  readonly sunset = new Date(Date.now() + SUNSET_AFTER_MS).toUTCString();
  /** Sockets of requests answered with a 'hang' fault, destroyed on close. */
  readonly hanging = new Set<Socket>();
  /** Answers waiting out their added latency, with the socket to destroy if the simulator closes first. */
  readonly delayed = new Map<NodeJS.Timeout, Socket>();

  constructor(public options: ResolvedSimOptions) {}

  /** Clears stats, faults, memberships and the rate window (options stay). */
  reset(): void {
    this.stats.reset();
    this.faults.clear();
    this.admission.clear();
    this.store.clear();
  }
}

/** Arrival time in ms on a clock that is both wall-clock-like and monotonic (timeOrigin is fixed per process). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
