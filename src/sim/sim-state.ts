import type { Socket } from 'node:net';
import { accountUserJson } from './account-user-json.js';
import { FaultTable } from './fault-rules.js';
import { GroupJson } from './group-json.js';
import { MembershipStore, type AccountUserRecord } from './membership-store.js';
import { SeededDirectory } from './seed-directory.js';
import { AdmissionWindow } from './admission-window.js';
import { scheduledRate } from './rate-schedule.js';
import { applySimOptionsPatch, type ResolvedSimOptions } from './sim-options.js';
import { StatsRecorder, type SimStats } from './sim-stats.js';

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

  /**
   * Arrival (nowMs) of the first API request since start, reset() or a change of `rateSchedule`: time zero of the
   * rate schedule. Control requests (`/_sim/`) never set it, so an import or a stats poll before a run does not eat
   * the schedule.
   */
  private rateClockStart: number | null = null;

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

  /** An API request (not a control one) arrived at `now`: starts the rate schedule's clock if it has not started. */
  apiRequestArrived(now: number): void {
    this.rateClockStart ??= now;
  }

  /** The limit in force at `now`: the schedule's rate when one is set, else `rate` (0 = unlimited). */
  rateAt(now: number): number {
    const { rateSchedule, rate } = this.options;
    if (rateSchedule === null) return rate;
    return scheduledRate(rateSchedule, this.rateClockStart === null ? 0 : now - this.rateClockStart);
  }

  /** Applies a run-time options patch (validated); a patch naming `rateSchedule` restarts its clock. */
  applyOptions(patch: unknown): void {
    this.options = applySimOptionsPatch(this.options, patch);
    if ((patch as { rateSchedule?: unknown }).rateSchedule !== undefined) this.rateClockStart = null;
  }

  /** The stats with the rate schedule's clock and the limit in force now. */
  statsSnapshot(): SimStats {
    return { ...this.stats.snapshot(), scheduleStartAt: this.rateClockStart, rateInForce: this.rateAt(nowMs()) };
  }

  /** Clears stats, faults, memberships, the rate window and the schedule's clock (options stay). */
  reset(): void {
    this.rateClockStart = null;
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
