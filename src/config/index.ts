export type { Config } from './config.js';
export { loadConfig, requireToken, retentionSeconds, type ConfigOverrides } from './load-config.js';
