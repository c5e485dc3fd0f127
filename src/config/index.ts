export type { Config } from './config.js';
export { cleanApiToken, MAX_TOKEN_BYTES } from './api-token.js';
export { loadConfig, requireToken, retentionSeconds, type ConfigOverrides } from './load-config.js';
