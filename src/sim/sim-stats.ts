import { SlidingWindow } from './sliding-window.js';

/** What the simulator has seen since start or the last reset. */
export interface SimStats {
  /** Every HTTP request received (all paths, control endpoints included). */
  requests: number;
  /** POST assign calls received, whatever the answer. */
  posts: number;
  /**
   * Answers sent on the S1 API paths by status code (`"200": n`); hangs and resets under `"hang"` / `"reset"`.
   * Control endpoints (`/_sim/...`) are left out so polling stats does not change them.
   */
  byStatus: Record<string, number>;
  /** Max POST arrivals within any sliding 1,000 ms window (all POSTs, whatever the answer). */
  maxInAnySecond: number;
  /** Arrival time (ms, same clock as firstAt) of the POST that ended the first window holding maxInAnySecond; null before any. */
  maxInAnySecondAt: number | null;
  /** GET list calls received (account users and user groups), whatever the answer. */
  listCalls: number;
  /**
   * Max API calls (assign POSTs and list GETs, whatever the answer) within any sliding 1,000 ms window: what a
   * global rate limit covering both must keep under the rate.
   */
  maxApiCallsInAnySecond: number;
  /** `"AUSR-...|UGR-..."` -> POSTs received for that pair (path id percent-decoded; body id as sent). */
  perPair: Record<string, number>;
  /** The raw request paths (req.url) of the last 10,000 requests, oldest first. */
  paths: string[];
  /** 401/403 answers. */
  authFailures: number;
  /** POST assign calls that carried an `Idempotency-Key` header. */
  idempotencyKeys: number;
  /** The last 10,000 POSTs with readable ids, oldest first: arrival time (same clock as firstAt) and pair. */
  recentPosts: Array<{ at: number; accountUserId: string; groupId: string }>;
  /** Most requests on the API paths open at once (received, answer not yet sent or given up on). */
  maxInFlight: number;
  /** Arrival time (ms, performance.timeOrigin + performance.now()) of the first POST. */
  firstAt: number | null;
  /** Arrival time (ms, same clock) of the last POST. */
  lastAt: number | null;
  /**
   * Arrival time (ms, same clock as firstAt) of the first API request (assign POST or list GET, whatever the answer;
   * `/_sim/` requests never count) since start, reset or the last change of `rateSchedule`: time zero of the rate
   * schedule, kept whether or not one is set; null before that request. A bench computes the schedule's ideal from
   * it (a tool's preflight read may come before its first POST, so it can be earlier than firstAt).
   */
  scheduleStartAt: number | null;
  /** The limit in force when the stats were read: the schedule's rate when one is set, else `rate` (0 = unlimited). */
  rateInForce: number;
}

/** What {@link StatsRecorder} counts itself; SimState adds the rate schedule's clock. */
export type RecordedStats = Omit<SimStats, 'scheduleStartAt' | 'rateInForce'>;

/** How many recent request paths are kept for "never reached the server" checks. */
export const PATHS_KEPT = 10_000;

/**
 * Counters behind {@link SimStats}. Every record call is O(1) amortised and allocation-free apart from map entries,
 * so stats cost nothing measurable at thousands of requests per second; the snapshot does the copying.
 */
export class StatsRecorder {
  private requests = 0;
  private posts = 0;
  private authFailures = 0;
  private idempotencyKeys = 0;
  private firstAt: number | null = null;
  private lastAt: number | null = null;
  private maxInAnySecond = 0;
  private maxInAnySecondAt: number | null = null;
  private listCalls = 0;
  private maxApiCallsInAnySecond = 0;
  // A live gauge: requests open across a reset still close later, so reset() keeps it and restarts only the max.
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly byStatus = new Map<string, number>();
  private readonly perPair = new Map<string, number>();
  // Only the last second of arrivals is needed to keep a running max, so memory does not grow with the run.
  private readonly arrivals = new SlidingWindow(1_000);
  private readonly apiArrivals = new SlidingWindow(1_000);
  private readonly paths: string[] = new Array<string>(PATHS_KEPT);
  private pathsNext = 0;
  private pathsCount = 0;
  // A plain array trimmed in halves: O(1) amortised, bounded, and simple to copy out in arrival order.
  private recentPosts: Array<{ at: number; accountUserId: string; groupId: string }> = [];

  recordRequest(path: string): void {
    this.requests++;
    this.paths[this.pathsNext] = path;
    this.pathsNext = (this.pathsNext + 1) % PATHS_KEPT;
    if (this.pathsCount < PATHS_KEPT) this.pathsCount++;
  }

  /** An API request arrived; call {@link closed} when its exchange ends. */
  opened(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  closed(): void {
    this.inFlight--;
  }

  /** One POST assign arrival at `now` (same clock as firstAt/lastAt, which is monotonic). */
  recordPost(now: number, hasIdempotencyKey: boolean): void {
    this.posts++;
    if (hasIdempotencyKey) this.idempotencyKeys++;
    if (this.firstAt === null) this.firstAt = now;
    this.lastAt = now;
    this.arrivals.expire(now);
    this.arrivals.push(now);
    if (this.arrivals.size > this.maxInAnySecond) {
      this.maxInAnySecond = this.arrivals.size;
      this.maxInAnySecondAt = now;
    }
    this.recordApiCall(now);
  }

  /** One GET list call arrival at `now` (same clock as recordPost). */
  recordListCall(now: number): void {
    this.listCalls++;
    this.recordApiCall(now);
  }

  private recordApiCall(now: number): void {
    this.apiArrivals.expire(now);
    this.apiArrivals.push(now);
    if (this.apiArrivals.size > this.maxApiCallsInAnySecond) this.maxApiCallsInAnySecond = this.apiArrivals.size;
  }

  recordPair(accountUserId: string, groupId: string): void {
    const key = `${accountUserId}|${groupId}`;
    this.perPair.set(key, (this.perPair.get(key) ?? 0) + 1);
    this.recentPosts.push({ at: this.lastAt ?? 0, accountUserId, groupId });
    if (this.recentPosts.length > 2 * PATHS_KEPT) this.recentPosts = this.recentPosts.slice(-PATHS_KEPT);
  }

  /** An answer sent (a status code) or given up on purpose (`'hang'`, `'reset'`). */
  recordAnswer(status: number | 'hang' | 'reset'): void {
    const key = String(status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    if (status === 401 || status === 403) this.authFailures++;
  }

  snapshot(): RecordedStats {
    const start = this.pathsCount < PATHS_KEPT ? 0 : this.pathsNext;
    const paths: string[] = [];
    for (let i = 0; i < this.pathsCount; i++) paths.push(this.paths[(start + i) % PATHS_KEPT] as string);
    return {
      requests: this.requests,
      posts: this.posts,
      byStatus: Object.fromEntries(this.byStatus),
      maxInAnySecond: this.maxInAnySecond,
      maxInAnySecondAt: this.maxInAnySecondAt,
      listCalls: this.listCalls,
      maxApiCallsInAnySecond: this.maxApiCallsInAnySecond,
      maxInFlight: this.maxInFlight,
      perPair: Object.fromEntries(this.perPair),
      paths,
      authFailures: this.authFailures,
      idempotencyKeys: this.idempotencyKeys,
      recentPosts: this.recentPosts.slice(-PATHS_KEPT),
      firstAt: this.firstAt,
      lastAt: this.lastAt,
    };
  }

  reset(): void {
    this.requests = 0;
    this.posts = 0;
    this.authFailures = 0;
    this.idempotencyKeys = 0;
    this.firstAt = null;
    this.lastAt = null;
    this.maxInAnySecond = 0;
    this.maxInAnySecondAt = null;
    this.listCalls = 0;
    this.maxApiCallsInAnySecond = 0;
    this.maxInFlight = this.inFlight;
    this.byStatus.clear();
    this.perPair.clear();
    this.recentPosts = [];
    this.arrivals.clear();
    this.apiArrivals.clear();
    this.paths.fill('');
    this.pathsNext = 0;
    this.pathsCount = 0;
  }
}
