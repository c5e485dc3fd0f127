/** The soak's flags, resolved. */
export interface SoakArgs {
  /** How long new rounds of ticks are started; a round under way when it ends still runs to its end. @defaultValue 30 */
  minutes: number;
  /** Rows per schedule tick (one CSV per tick). @defaultValue 20000 */
  rows: number;
  /** S1_RATE_LIMIT of the workers, requests per second. @defaultValue 400 */
  rate: number;
  /**
   * BATCH_RETENTION_DAYS of the workers. A batch's keys expire this long after it was created (and again after it
   * finished), so it must outlast one round including the faults (a round took up to 255 s on this shared machine): 0.006 days is 518 s. @defaultValue 0.006
   */
  retentionDays: number;
  /** Length of the S1 outage. @defaultValue 60 */
  outageSeconds: number;
}

const USAGE = 'usage: node dist/bench/soak/run-soak.js [--minutes N] [--rows N] [--rate N] [--retention-days D] [--outage-seconds N]';

/** Parses the soak's flags; unknown flags and non-positive numbers are an error. */
export function parseSoakArgs(argv: string[]): SoakArgs {
  const a: SoakArgs = { minutes: 30, rows: 20_000, rate: 400, retentionDays: 0.006, outageSeconds: 60 };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a number > 0\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--minutes') a.minutes = num(arg, argv[++i]);
    else if (arg === '--rows') a.rows = Math.round(num(arg, argv[++i]));
    else if (arg === '--rate') a.rate = Math.round(num(arg, argv[++i]));
    else if (arg === '--retention-days') a.retentionDays = num(arg, argv[++i]);
    else if (arg === '--outage-seconds') a.outageSeconds = num(arg, argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return a;
}
