import type { Socket } from 'node:net';
import { accountUserJson } from './account-user-json.js';
import { FaultTable } from './fault-rules.js';
import { GroupJson } from './group-json.js';
import { MembershipStore, type AccountUserRecord } from './membership-store.js';
import { SeededDirectory } from './seed-directory.js';
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
  /** The seeded users and groups; fixed at start-up, so it survives reset() and run-time option patches. */
  readonly directory: SeededDirectory;
  readonly store: MembershipStore;
  readonly groupJson: GroupJson;
  readonly sunset = new Date(Date.now() + SUNSET_AFTER_MS).toUTCString();
  /** Sockets of requests answered with a 'hang' fault, destroyed on close. */
  readonly hanging = new Set<Socket>();
  /** Answers waiting out their added latency, with the socket to destroy if the simulator closes first. */
  readonly delayed = new Map<NodeJS.Timeout, Socket>();

  private readonly memberJson = (groupId: string): string => this.groupJson.member(groupId);

  constructor(public options: ResolvedSimOptions) {
    this.directory = new SeededDirectory(options);
    this.store = new MembershipStore(this.createdAt, this.directory);
    this.groupJson = new GroupJson(this.directory);
  }

  /** The account user resource as JSON text, with these groups. */
  userJson(record: AccountUserRecord, groups: Iterable<string>): string {
    return accountUserJson(record, groups, this.createdAt, this.memberJson);
  }

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
