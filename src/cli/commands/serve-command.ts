import { loadConfig } from '../../config/index.js';
import { resolveConsoleOptions, startConsole, type ConsoleFlags } from '../../console/index.js';
import { createLogger } from '../../log/logger.js';
import { note } from '../output.js';

export type ServeFlags = ConsoleFlags;

/** Runs the web console and JSON API until SIGINT/SIGTERM (a second signal exits at once). */
export async function serveCommand(flags: ServeFlags): Promise<number> {
  const config = loadConfig();
  // loadConfig has read .env into the environment; the console's own variables are checked here, before Redis.
  const options = resolveConsoleOptions(flags, process.env);
  const log = createLogger({ level: config.logLevel });
  const running = await startConsole(config, options, log);
  note(`bulk-assign console on ${running.url} (log in with CONSOLE_TOKEN; API: Authorization: Bearer <CONSOLE_TOKEN>)`);
  // First signal: stop taking requests and close (open event streams end). A second one does not wait for that.
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = () => {
      signals++;
      if (signals === 1) void running.close().then(() => resolve(0), () => resolve(1));
      else resolve(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
