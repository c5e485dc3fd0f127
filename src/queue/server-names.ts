import type { Config } from '../config/index.js';
import { namesUsed } from '../csv/index.js';
import type { Logger } from '../log/logger.js';
import type { Directory, ReadDirectoryOptions } from '../s1/index.js';

export type { Directory } from '../s1/index.js';

/**
 * Resolves the file's e-mails and group names through S1 before anything is written: reads the file once to learn
 * which name columns it fills, then only those lists, through the same global rate limit as the workers (its own
 * short-lived Redis connection and limiter). Returns undefined, reading nothing from S1, when the file names
 * everything by id. A list call that fails after its retries throws the one AppError of listPages.
 */
export async function resolveNamesFromServer(
  config: Config,
  log: Logger,
  path: string,
  onPage?: ReadDirectoryOptions['onPage'],
  pageSize = 100,
): Promise<Directory | undefined> {
  const used = await namesUsed(path);
  if (!used.emails && !used.groupNames) return undefined;
  // Loaded only now: the S1 client (undici) costs an import ~0.2 s of CPU and ~20 MB of RSS at start-up, and most
  // files name everything by id.
  const [{ readDirectory }, { withS1Read }] = await Promise.all([import('../s1/index.js'), import('./s1-read-session.js')]);
  return withS1Read(config, async (client, limiter) => {
    const directory = await readDirectory(client, used, { limiter, policy: config, pageSize, onPage });
    // Counts only: the e-mail list itself never reaches a log line.
    log.info({ pages: directory.pages, requests: directory.requests, emails: directory.emails, groupNames: directory.groupNames }, 'resolved names');
    return directory;
  });
}
