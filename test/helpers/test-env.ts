import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';

/** A fresh key prefix (with a Cluster hash tag, like production) so test files never see each other's keys. */
export function uniquePrefix(name: string): string {
  return `{t-${name}-${randomBytes(3).toString('hex')}}`;
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `ba-${name}-`));
}

export function redisUrl(): string {
  return inject('redisUrl');
}

/** Env for a child process (CLI or worker) pointed at the test Redis, a prefix and a simulator. */
export function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) env[k] = v;
  return env;
}

/** A Config for in-process use, validated exactly like the CLI's. */
export function testConfig(vars: Record<string, string | undefined>): Config {
  return loadConfig({}, childEnv(vars));
}
