import type { Config } from '../config/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { terminalLogStream } from './terminal-log.js';
import type { Progress } from './progress.js';

/** Where `run` sends its log. */
export interface RunLogOptions {
  /** `run --json`: stdout is kept for the final status, so logs go to stderr. @defaultValue false */
  json?: boolean;
  /** A person watches stderr: one line per record, through the progress bar. @defaultValue `process.stderr.isTTY` */
  tty?: boolean;
  /** Whether LOG_LEVEL was set; on a terminal only warnings are logged unless it was. @defaultValue from process.env */
  levelGiven?: boolean;
}

export interface RunLog {
  log: Logger;
  /** Sends terminal lines above this progress bar from now on (before, they go to stderr as they come). */
  attach(progress: Progress): void;
}

/**
 * `run`'s root logger. On a terminal the bar is the view of progress: records become one line each above it, at
 * warn unless LOG_LEVEL says otherwise. Off a terminal, today's NDJSON: on stdout, or on stderr with --json.
 */
export function createRunLog(config: Config, options: RunLogOptions = {}): RunLog {
  const tty = options.tty ?? Boolean(process.stderr.isTTY);
  if (!tty) return { log: createLogger({ level: config.logLevel, fd: options.json ? 2 : 1 }), attach: () => undefined };
  let write = (line: string): void => void process.stderr.write(line + '\n');
  const levelGiven = options.levelGiven ?? Boolean(process.env.LOG_LEVEL);
  const log = createLogger({ level: levelGiven ? config.logLevel : 'warn', destination: terminalLogStream((line) => write(line)) });
  return {
    log,
    attach(progress) {
      write = (line) => progress.log(line);
    },
  };
}
