import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../log/logger.js';
import { startWorker } from '../../worker/index.js';
import { waitForShutdown } from '../shutdown.js';

export interface WorkerFlags {
  concurrency?: string;
  rate?: string;
}

/** Processes jobs until SIGINT/SIGTERM (exit 0 after a clean drain) or until S1 rejects the token or the URL is not S1 (exit 1). */
export async function workerCommand(flags: WorkerFlags): Promise<number> {
  const config = loadConfig({ concurrency: flags.concurrency, rateLimit: flags.rate });
  const log = createLogger({ level: config.logLevel });
  const handle = await startWorker(config, log);
  const shutdown = waitForShutdown(log, config.shutdownGraceSeconds, (force) => handle.close(force));
  const code = await Promise.race([
    shutdown.done,
    handle.fatal.then(async (err) => {
      await handle.close();
      throw err;
    }),
  ]).finally(() => shutdown.dispose());
  log.flush();
  return code;
}
