export type { Config } from './config.js';
export { loadConfig, requireToken, type ConfigOverrides } from './load-config.js';
