/** Tests start their Redis servers with the project's own helper (also used by the demo and the benchmarks). */
import { freePort, startRedisServer as start, type RedisServerProcess } from '../../src/cli/redis-server-process.js';

export { freePort };
export type PrivateRedis = RedisServerProcess;

export function startRedisServer(args: string[] = [], port?: number, dir?: string): Promise<PrivateRedis> {
  return start({ args, port, dir });
}
