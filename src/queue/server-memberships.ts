import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { readMemberships, type ExistingMemberships } from '../s1/index.js';
import type { ImportOptions } from './import-batch.js';
import { withS1Read } from './s1-read-session.js';

export type { ExistingMemberships } from '../s1/index.js';

/**
 * Reads what the server holds (for --skip-existing) through the same global rate limit as the workers (see
 * withS1Read).
 */
export async function readExistingMemberships(config: Config, log: Logger, pageSize = 1000): Promise<ExistingMemberships> {
  return withS1Read(config, async (client, limiter) => {
    const existing = await readMemberships(client, { limiter, policy: config, pageSize });
    log.info({ users: existing.users, memberships: existing.memberships, requests: existing.requests }, 'read current memberships');
    return existing;
  });
}

/** The `inPlace` option for importBatch that skips pairs the server already holds. */
export async function inPlaceFromServer(config: Config, log: Logger): Promise<ImportOptions['inPlace']> {
  return (await readExistingMemberships(config, log)).inPlace;
}
