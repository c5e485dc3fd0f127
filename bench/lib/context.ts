import type { ResultRow } from './result-row.js';
import type { PrivateRedis } from './redis-server.js';

/** What every scenario gets from run.ts. */
export interface BenchContext {
  redis: PrivateRedis;
  /** --quick: fewer rows and repetitions. */
  quick: boolean;
  /** --reps N: repetitions for every scenario, overriding each scenario's own choice. */
  repsOverride: number | undefined;
  /** A scratch folder (CSV files, reports); children run with it as their cwd, so no `.env` is picked up. */
  tmp: string;
  /** A Redis key prefix unique within the run, with a hash tag, e.g. `{s2-tool-3}` (about as long as the default). */
  prefix(name: string): string;
  /** FLUSHALL on the private Redis (it holds nothing but this run's keys) so memory deltas start clean. */
  flush(): Promise<void>;
  log(message: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<ResultRow[]>;
}

/** Repetitions for a scenario: the override, else `quick` or `full`. */
export function repsFor(ctx: BenchContext, full: number, quick: number): number {
  return ctx.repsOverride ?? (ctx.quick ? quick : full);
}
