import { randomBytes } from 'node:crypto';
import { startSimulator, type SimOptions, type Simulator } from '../../src/sim/index.js';

/** A simulator of the bench's own with a fresh token; closed by `use` when the scenario ends. */
export async function withSimulator<T>(options: Omit<SimOptions, 'token'>, use: (sim: Simulator, token: string) => Promise<T>): Promise<T> {
  const token = `bench_${randomBytes(12).toString('hex')}`;
  const sim = await startSimulator({ token, ...options });
  try {
    return await use(sim, token);
  } finally {
    await sim.close();
  }
}
