import { startRedisServer, type PrivateRedis } from '../../helpers/redis-server.js';

/** The settings the README asks users to run Redis with: AOF on, fsync every second, no eviction. */
export const AOF_ARGS = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];

/** Options for {@link startFaultRedis}. */
export interface FaultRedisOptions {
  /**
   * Arguments for redis-server after the harness' own (port, bind, dir).
   * @defaultValue {@link AOF_ARGS}
   */
  args?: string[];
}

/**
 * A private redis-server that a test can freeze, kill and bring back on the same port, so the workers' clients
 * reconnect to "the same Redis" as they would in production. Each method waits for the process to be in the new
 * state (stopped, exited, answering PING) before it resolves; none sleeps.
 */
export interface FaultRedis {
  readonly url: string;
  readonly port: number;
  /** The data directory (the AOF lives here); survives kill9/stop until {@link FaultRedis.close}. */
  readonly dir: string;
  /** SIGSTOP: the server keeps its sockets open and answers nothing (a frozen VM, a long fork, a swap storm). */
  freeze(): void;
  /** SIGCONT after {@link FaultRedis.freeze}. */
  thaw(): void;
  /** SIGKILL: no AOF rewrite, no goodbye; whatever was fsynced (at most ~1 s old with everysec) is on disk. */
  kill9(): Promise<void>;
  /** SIGTERM: Redis flushes its AOF and exits. */
  stop(): Promise<void>;
  /**
   * Starts redis-server again on the same port: on the same directory (AOF replayed), or `empty: true` on a fresh
   * one (Redis restarted without persistence, issue 15.1). Kills the running one first if there is one.
   */
  restart(options?: { empty?: boolean }): Promise<void>;
  /** Kills the server and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts a {@link FaultRedis} on a free port with AOF on (see {@link AOF_ARGS}). */
export async function startFaultRedis(options: FaultRedisOptions = {}): Promise<FaultRedis> {
  const args = options.args ?? AOF_ARGS;
  let server: PrivateRedis | undefined = await startRedisServer(args);
  const { port, url } = server;
  let dir = server.dir;
  const oldDirs: PrivateRedis[] = [];
  const signal = (sig: NodeJS.Signals) => {
    if (!server) throw new Error('redis-server is not running');
    process.kill(server.pid, sig);
  };
  const down = async (graceful: boolean) => {
    await server?.stop({ graceful, keepDir: true });
    if (server) oldDirs.push(server);
    server = undefined;
  };
  return {
    url,
    port,
    get dir() {
      return dir;
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    kill9: () => down(false),
    stop: () => down(true),
    async restart(restartOptions = {}) {
      // A frozen server ignores SIGKILL until it is continued; make sure it can die.
      if (server) signal('SIGCONT');
      await down(false);
      server = await startRedisServer(args, port, restartOptions.empty ? undefined : dir);
      dir = server.dir;
    },
    async close() {
      if (server) signal('SIGCONT');
      await server?.stop();
      server = undefined;
      // Directories of earlier incarnations (an `empty` restart leaves the old one behind).
      for (const old of oldDirs.splice(0)) await old.stop();
    },
  };
}
