export interface BenchArgs {
  quick: boolean;
  reps: number | undefined;
  /** Scenario ids to run; all when undefined. */
  only: Set<string> | undefined;
  /** Run the profiler passes instead of the scenarios. */
  profile: boolean;
}

const USAGE = 'usage: node dist/bench/run.js [--quick] [--reps N] [--only 1,3,4b,7] [--profile]';

/** Parses the bench's own flags; unknown flags are an error, not silently ignored. */
export function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = { quick: false, reps: undefined, only: undefined, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') a.quick = true;
    else if (arg === '--profile') a.profile = true;
    else if (arg === '--reps') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--reps needs a whole number >= 1\n${USAGE}`);
      a.reps = n;
    } else if (arg === '--only') {
      const ids = (argv[++i] ?? '').split(',').filter(Boolean);
      if (ids.length === 0) throw new Error(`--only needs scenario ids, e.g. --only 1,3\n${USAGE}`);
      a.only = new Set(ids);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return a;
}
