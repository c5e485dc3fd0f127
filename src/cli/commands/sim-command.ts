import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';
import { startSimulator } from '../../sim/index.js';
import { note } from '../output.js';

export interface SimFlags {
  port?: string;
  rate?: string;
  latency?: string;
  host?: string;
}

function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AppError('config', `invalid --${name} "${value}": expected a whole number >= 0`);
  return n;
}

/** Runs the S1 simulator in the foreground until SIGINT/SIGTERM. It accepts S1_API_TOKEN, or a generated token it prints. */
export async function simCommand(flags: SimFlags): Promise<number> {
  const given = process.env.S1_API_TOKEN;
  const token = given || randomBytes(18).toString('base64url');
  const sim = await startSimulator({
    token,
    host: flags.host ?? '127.0.0.1',
    port: intFlag('port', flags.port, 8080),
    rate: intFlag('rate', flags.rate, 0),
    latencyMs: intFlag('latency', flags.latency, 0),
  });
  note(`S1 simulator listening on ${sim.url} (stats: ${sim.url}/_sim/stats)`);
  note(given ? 'It accepts the token in S1_API_TOKEN.' : `S1_API_TOKEN was unset; it accepts this generated token: ${token}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sim.close();
  return 0;
}
