import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultRule } from './fault-rules.js';
import type { SeedUser } from './membership-store.js';
import { createRequestHandler } from './request-router.js';
import { parseSeedUsers } from './parse-seed-users.js';
import type { DirectoryFacts } from './seed-directory.js';
import { resolveSimOptions, type SimOptions, type SimOptionsPatch } from './sim-options.js';
import { SimState } from './sim-state.js';
import type { SimStats } from './sim-stats.js';

/** A running simulator. Everything it offers here is also reachable over HTTP under `/_sim/`. */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  port: number;
  stats(): SimStats;
  /** Clears stats, faults and memberships (and the rate window and schedule clock); options stay as they are. */
  reset(): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Changes run-time options (`rate` takes effect at the next request); naming `rateSchedule` restarts its clock. */
  setOptions(patch: SimOptionsPatch): void;
  /** Current memberships (a copy), for assertions. */
  memberships(): Map<string, Set<string>>;
  /** What the seeded directory holds (also `GET /_sim/directory`); {@link seedDirectory} gives the same from options. */
  directory(): DirectoryFacts;
  /** Seed users (with optional email) and memberships, for the GET list call. */
  seed(users: SeedUser[]): void;
  /** Stops listening, destroys hanging and delayed answers and every open socket. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts an S1 simulator on a real socket; resolves once it is listening. */
export async function startSimulator(options: SimOptions): Promise<Simulator> {
  const state = new SimState(resolveSimOptions(options));
  const server = createServer(createRequestHandler(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(state.options.port, state.options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(state.options.host)}:${port}`,
    port,
    stats: () => state.statsSnapshot(),
    reset: () => state.reset(),
    addFault: (rule) => state.faults.add(rule),
    clearFaults: () => state.faults.clear(),
    setOptions: (patch) => state.applyOptions(patch),
    memberships: () => state.store.snapshot(),
    directory: () => state.directory.facts(),
    seed: (users) => state.store.seed(parseSeedUsers(users), new Date().toISOString()),
    close: () => (closing ??= closeServer(server, state)),
  };
}

async function closeServer(server: Server, state: SimState): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const [timer, socket] of state.delayed) {
    clearTimeout(timer);
    socket.destroy();
  }
  state.delayed.clear();
  for (const socket of state.hanging) socket.destroy();
  state.hanging.clear();
  // Idle keep-alive sockets would otherwise hold server.close() open for up to keepAliveTimeout.
  server.closeAllConnections();
  await closed;
}

/** The host to put in a URL: wildcard binds are reached on loopback, IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
