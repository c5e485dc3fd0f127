import { cleanApiToken } from '../../config/index.js';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { simOptionFlags, simOptionsFromCommandLine } from '../../sim/sim-option-flags.js';
import { note } from '../output.js';

/** The `sim` command's flags as Commander collects them: one text value per simulator option (booleans may be bare). */
export type SimFlags = Record<string, string | boolean | undefined>;

/** Adds one flag per simulator option (see sim-options.ts) to the `sim` command; help text and defaults come from there. */
export function addSimOptions(command: Command): Command {
  for (const flag of simOptionFlags()) command.option(flag.flags, flag.help);
  return command;
}

/** Runs the S1 simulator in the foreground until SIGINT/SIGTERM. It accepts S1_API_TOKEN, or a generated token it prints. */
export async function simCommand(flags: SimFlags): Promise<number> {
  // The token as every other command reads it (trimmed: a secret file's trailing newline is not part of it).
  const options = simOptionsFromCommandLine(flags, { ...process.env, S1_API_TOKEN: cleanApiToken(process.env.S1_API_TOKEN) });
  const given = options.token;
  const token = given ?? randomBytes(18).toString('base64url');
  // Loaded here, not at the top: main.ts imports this file for addSimOptions, and other commands need no simulator.
  const { startSimulator } = await import('../../sim/index.js');
  const sim = await startSimulator({ ...options, token });
  note(`S1 simulator listening on ${sim.url} (stats: ${sim.url}/_sim/stats)`);
  note(given ? 'It accepts the token in S1_API_TOKEN.' : `S1_API_TOKEN was unset; it accepts this generated token: ${token}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sim.close();
  return 0;
}
