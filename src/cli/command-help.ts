import type { Command } from 'commander';

// Groups of environment variables as help shows them; the README's configuration table has each in full.
const ENV = {
  redis: ['REDIS_URL, QUEUE_PREFIX', 'Redis and the prefix of its keys'],
  s1: ['S1_API_URL, S1_API_TOKEN', 'the S1 API and its token (required)'],
  s1Run: ['S1_API_URL, S1_API_TOKEN', 'the S1 API and its token (--sim: its own)'],
  s1Skip: ['S1_API_URL, S1_API_TOKEN', 'with --skip-existing: the S1 API and its token'],
  pace: ['S1_RATE_LIMIT, S1_CONCURRENCY', 'requests/s (all workers), in flight'],
  retries: ['S1_MAX_ATTEMPTS', 'attempts per row for transient failures'],
  worker: ['SHUTDOWN_GRACE_SECONDS', 'how long SIGTERM waits for requests'],
  notify: ['NOTIFY_URL, NOTIFY_SECRET', 'webhook: a batch finished, a sync failed'],
  metrics: ['METRICS_PORT, METRICS_HOST', '/metrics and /healthz (unset: not served)'],
  eviction: ['ALLOW_EVICTION', '1: start on a Redis that evicts keys'],
  reports: ['REPORT_DIR', 'where reports go, a folder per batch'],
  log: ['LOG_LEVEL', 'log level (fatal … trace, silent)'],
  more: ['S1_*, WORKER_*', 'more: the README\'s configuration table'],
  simToken: ['S1_API_TOKEN', 'the token it accepts (unset: made up, printed)'],
  simVars: ['SIM_*', 'one per flag, named in its help above'],
  console: ['CONSOLE_TOKEN', 'password and API token (required)'],
  consoleMore: ['CONSOLE_MAX_UPLOAD_MB', 'largest upload'],
  consoleProxy: ['CONSOLE_TRUST_PROXY', 'trust X-Forwarded-* from a proxy'],
} as const satisfies Record<string, readonly [string, string]>;

type EnvGroup = keyof typeof ENV;

interface CommandHelp {
  env: EnvGroup[];
  example: string;
}

/** Per command path ('import', 'schedule set'): what it reads from the environment and one example. */
const HELP: Record<string, CommandHelp> = {
  import: { env: ['redis', 's1Skip', 'reports', 'log'], example: 'bulk-assign import assignments.csv --dry-run' },
  worker: { env: ['redis', 's1', 'pace', 'retries', 'worker', 'notify', 'metrics', 'eviction', 'reports', 'log', 'more'], example: 'S1_API_TOKEN=... bulk-assign worker --rate 20' },
  status: { env: ['redis'], example: 'bulk-assign status assignments-20261127-041200-a3f9 --watch --exit-status' },
  report: { env: ['redis', 'reports'], example: 'bulk-assign report assignments-20261127-041200-a3f9 --out ./report' },
  run: { env: ['redis', 's1Run', 'pace', 'retries', 'worker', 'notify', 'reports', 'log', 'more'], example: 'bulk-assign run examples/assignments.csv --sim' },
  retry: { env: ['redis'], example: 'bulk-assign retry assignments-20261127-041200-a3f9 --reason http-5xx timeout' },
  schedule: { env: ['redis'], example: 'bulk-assign schedule set nightly --cron "0 2 * * *" --source /data/assignments.csv' },
  'schedule set': { env: ['redis'], example: 'bulk-assign schedule set nightly --cron "0 2 * * *" --tz Europe/Madrid --source /data/assignments.csv' },
  'schedule list': { env: ['redis'], example: 'bulk-assign schedule list --json' },
  'schedule remove': { env: ['redis'], example: 'bulk-assign schedule remove nightly' },
  'schedule run-now': { env: ['redis'], example: 'bulk-assign schedule run-now nightly' },
  sim: { env: ['simToken', 'simVars'], example: 'bulk-assign sim --port 8080 --rate 5' },
  serve: { env: ['redis', 'console', 'consoleMore', 'consoleProxy', 'log'], example: 'CONSOLE_TOKEN=... bulk-assign serve --port 8080' },
};

const ROOT_TEXT = `
Every command also reads a .env file in the working directory (the real environment wins), and
BULK_ASSIGN_DEBUG=1 adds the stack trace to a fatal error. \`bulk-assign <command> --help\` names the
variables each command reads.

Example:
  $ bulk-assign run examples/assignments.csv --sim
`;

function helpText(help: CommandHelp): string {
  const rows = help.env.map((g) => ENV[g]);
  const width = Math.max(...rows.map(([names]) => names.length));
  const lines = rows.map(([names, meaning]) => `  ${names.padEnd(width)}  ${meaning}`);
  return `\nEnvironment (also read from .env):\n${lines.join('\n')}\n\nExample:\n  $ ${help.example}\n`;
}

/** 'schedule set' for that command, '' for the program itself. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Ends every command's help with the environment it reads and one example, and the program's with a note on .env.
 * Hooked on the program's `afterAllHelp` event, which fires for the help of any command below it, so commands added
 * later (in any order, at any depth) get theirs too.
 */
export function addCommandHelp(program: Command): void {
  program.on('afterAllHelp', (context: { command: Command; write: (text: string) => void }) => {
    const path = pathOf(context.command);
    const help = HELP[path];
    if (path === '') context.write(ROOT_TEXT);
    else if (help) context.write(helpText(help));
  });
}
