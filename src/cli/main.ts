import { Command } from 'commander';
import { isAppError } from '../errors.js';
import type { ImportFlags } from './commands/import-command.js';
import type { RetryFlags } from './commands/retry-command.js';
import type { RunFlags } from './commands/run-command.js';
import type { ScheduleSetFlags } from './commands/schedule-command.js';
import type { ServeFlags } from './commands/serve-command.js';
import { addSimOptions, type SimFlags } from './commands/sim-command.js';
import type { StatusFlags } from './commands/status-command.js';
import type { WorkerFlags } from './commands/worker-command.js';
import { note } from './output.js';
import { addCommandHelp } from './command-help.js';
import { packageVersion } from './package-version.js';

// Each command's module is imported inside its action, so a command loads only what it uses: `status` and
// `report` never load bullmq, and `import` carries no worker, simulator or S1 client code through a long run.

/** The only place that calls process.exit. Fatal errors are one line on stderr; BULK_ASSIGN_DEBUG=1 adds the stack. */
function exitWith(code: number): never {
  process.exit(code);
}

async function run(action: () => Promise<number>): Promise<void> {
  try {
    const code = await action();
    // Let stdout drain before exiting (a pipe may be slower than us).
    process.stdout.write('', () => exitWith(code));
  } catch (err) {
    if (isAppError(err)) note(`bulk-assign: ${err.message}`);
    else note(`bulk-assign: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.BULK_ASSIGN_DEBUG && err instanceof Error && err.stack) note(err.stack);
    exitWith(1);
  }
}

// Last resort: a promise rejected where nobody listens still ends as one line, not a stack trace.
process.on('unhandledRejection', (err) => {
  note(`bulk-assign: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.BULK_ASSIGN_DEBUG && err instanceof Error && err.stack) note(err.stack);
  exitWith(1);
});

const program = new Command();
program
  .name('bulk-assign')
  .description('Put SoftwareOne Marketplace account users into user groups, in bulk, from a CSV file.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError();
addCommandHelp(program);

program
  .command('import <file>')
  .description('validate a CSV file, create the batch and enqueue one job per valid row')
  .option('--batch <id>', 'batch id (default: made from the file name and time)')
  .option('--dry-run', 'validate and print counts; enqueue nothing')
  .option('--json', 'print one JSON object')
  .option('--loose-ids', 'accept any safe id, not only the documented AUSR-/UGR- shapes')
  .option('--skip-existing', 'read current memberships first (GET list call) and send only pairs not yet in place')
  .action((file: string, o: ImportFlags) => run(async () => (await import('./commands/import-command.js')).importCommand(file, o)));

program
  .command('worker')
  .description('process jobs until SIGINT/SIGTERM')
  .option('--concurrency <n>', 'jobs in flight in this process (S1_CONCURRENCY)')
  .option('--rate <n>', 'requests per second across all workers (S1_RATE_LIMIT)')
  .action((o: WorkerFlags) => run(async () => (await import('./commands/worker-command.js')).workerCommand(o)));

program
  .command('status [batch]')
  .description("a batch's counts, or the recent batches")
  .option('--json', 'print JSON')
  .option('--watch', 'show live progress until the batch finishes')
  .option('--exit-status', 'exit 2 if the batch finished with failed, invalid or duplicate rows (0 if all succeeded)')
  .action((batch: string | undefined, o: StatusFlags) => run(async () => (await import('./commands/status-command.js')).statusCommand(batch, o)));

program
  .command('report <batch>')
  .description('write report.json and failures.csv and print a summary')
  .option('--out <dir>', 'folder to write to (default: REPORT_DIR/<batch>)')
  .action((batch: string, o: { out?: string }) => run(async () => (await import('./commands/report-command.js')).reportCommand(batch, o)));

program
  .command('run <file>')
  .description('import, process in this process, wait for the batch to finish and write the report')
  .option('--batch <id>', 'batch id')
  .option('--out <dir>', 'report folder (default: REPORT_DIR/<batch>)')
  .option('--rate <n>', 'requests per second across all workers')
  .option('--concurrency <n>', 'jobs in flight in this process')
  .option('--sim', 'start the built-in S1 simulator on a free port and use it')
  .option('--loose-ids', 'accept any safe id, not only the documented AUSR-/UGR- shapes')
  .option('--skip-existing', 'read current memberships first (GET list call) and send only pairs not yet in place')
  .option('--json', "print only the batch's final status JSON on stdout (as `status <batch> --json`); logs go to stderr")
  .action((file: string, o: RunFlags) => run(async () => (await import('./commands/run-command.js')).runCommand(file, o)));

program
  .command('retry <batch>')
  .description("put a batch's failed rows back to work (default: transient failures only)")
  .option('--reason <reason...>', 'retry rows failed with exactly these reasons (e.g. http-404 timeout)')
  .option('--all', 'retry every failed row, 4xx included')
  .option('--json', 'print JSON')
  .action((batch: string, o: RetryFlags) => run(async () => (await import('./commands/retry-command.js')).retryCommand(batch, o)));

const schedule = program.command('schedule').description('nightly syncs: import a file, folder or URL on a cron schedule, run by the workers');
schedule
  .command('set <name>')
  .description('create or replace a schedule (the same name again replaces it)')
  .requiredOption('--cron <expr>', 'cron pattern, 5 fields or 6 with seconds first, e.g. "0 2 * * *"')
  .option('--tz <zone>', 'IANA time zone the pattern is read in', 'UTC')
  .requiredOption('--source <path|dir|url>', 'a CSV file, a folder (its newest *.csv) or an http(s) URL')
  .option('--mode <mode>', 'full (send every row) or changes (only new pairs and those not assigned last time)', 'full')
  .option('--skip-existing', 'read current memberships first and send only missing pairs')
  .option('--loose-ids', 'accept any safe id, not only the documented AUSR-/UGR- shapes')
  .option('--header-env <var>', "URL sources: send the value of this worker environment variable as a header (never stored)")
  .option('--header-name <name>', 'the header --header-env fills (default: Authorization)')
  .action((name: string, o: ScheduleSetFlags) => run(async () => (await import('./commands/schedule-command.js')).scheduleSetCommand(name, o)));
schedule
  .command('list')
  .description('schedules with their next run and last batch')
  .option('--json', 'print one JSON array')
  .action((o: { json?: boolean }) => run(async () => (await import('./commands/schedule-command.js')).scheduleListCommand(o)));
schedule
  .command('remove <name>')
  .description('remove a schedule (its batches stay until they expire)')
  .action((name: string) => run(async () => (await import('./commands/schedule-command.js')).scheduleRemoveCommand(name)));
schedule
  .command('run-now <name>')
  .description('queue one tick of a schedule now (a running worker imports it)')
  .option('--json', 'print {name, batchId, jobId}')
  .action((name: string, o: { json?: boolean }) => run(async () => (await import('./commands/schedule-command.js')).scheduleRunNowCommand(name, o)));

// The simulator's flags, defaults and help text come from its option schema (src/sim/sim-options.ts).
addSimOptions(program.command('sim').description('run the S1 simulator in the foreground'))
  .action((o: SimFlags) => run(async () => (await import('./commands/sim-command.js')).simCommand(o)));

program
  .command('serve')
  .description('run the web console and JSON API (needs CONSOLE_TOKEN)')
  .option('--port <n>', 'port (0 = any free port)', '8080')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .action((o: ServeFlags) => run(async () => (await import('./commands/serve-command.js')).serveCommand(o)));

await program.parseAsync(process.argv);
