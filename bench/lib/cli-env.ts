import { join } from 'node:path';
import type { BenchContext } from './context.js';

/** Settings a scenario gives the tool; anything left out keeps the tool's default. */
export interface ToolSettings {
  prefix: string;
  apiUrl?: string;
  token?: string;
  rateLimit?: number;
  concurrency?: number;
  extra?: Record<string, string>;
}

// Settings the user's shell might carry that would change what a scenario measures: always cleared.
const TOOL_VARS = /^(REDIS_URL|QUEUE_PREFIX|S1_[A-Z_]+|LOG_LEVEL|REPORT_DIR|BATCH_RETENTION_DAYS|WORKER_[A-Z_]+|SHUTDOWN_GRACE_SECONDS|BULK_ASSIGN_DEBUG)$/;

/** The environment of a CLI child: the parent's minus every tool setting, plus exactly what the scenario says. */
export function toolEnv(ctx: BenchContext, s: ToolSettings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!TOOL_VARS.test(k)) env[k] = v;
  const set = (k: string, v: string | number | undefined) => {
    if (v !== undefined) env[k] = String(v);
  };
  set('REDIS_URL', ctx.redis.url);
  set('QUEUE_PREFIX', s.prefix);
  set('S1_API_URL', s.apiUrl);
  set('S1_API_TOKEN', s.token);
  set('S1_RATE_LIMIT', s.rateLimit);
  set('S1_CONCURRENCY', s.concurrency);
  set('LOG_LEVEL', 'warn');
  set('REPORT_DIR', join(ctx.tmp, 'reports'));
  for (const [k, v] of Object.entries(s.extra ?? {})) env[k] = v;
  return env;
}
