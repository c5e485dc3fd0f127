import type { ZodType } from 'zod';
import { AppError } from '../errors.js';
import { describeOption, optionFacts, type OptionFacts } from './option-kinds.js';
import { simOptionsSchema, type SimOptions } from './sim-options.js';

/** One command-line flag of the `sim` command, derived from an option of {@link simOptionsSchema}. */
export interface SimOptionFlag {
  /** The option it sets. */
  option: keyof SimOptions;
  /** The flag without its dashes, e.g. `rate`. */
  name: string;
  /** Commander's flag syntax, e.g. `--rate <n>`. */
  flags: string;
  /** The property Commander stores the flag's value under (camelCase of the flag name). */
  attribute: string;
  /** The environment variable read when the flag is absent. */
  env: string;
  /** Help text, with the default and the environment variable. */
  help: string;
}

interface OptionEntry {
  option: keyof SimOptions;
  facts: OptionFacts;
  defaultValue: unknown;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const envName = (entry: OptionEntry): string =>
  entry.facts.env ?? `SIM_${kebab(entry.option).replaceAll('-', '_').toUpperCase()}`;

function entries(): OptionEntry[] {
  const defaults = simOptionsSchema.partial({ token: true }).parse({}) as Record<string, unknown>;
  return Object.entries(simOptionsSchema.shape).map(([option, schema]) => {
    const facts = optionFacts(schema);
    if (facts === undefined) throw new AppError('internal', `simulator option ${option} has no registered facts`);
    const defaultValue = facts.commandDefault ?? defaults[option];
    return { option: option as keyof SimOptions, facts, defaultValue };
  });
}

function shown(value: unknown): string {
  if (value === null) return 'none';
  return Array.isArray(value) ? value.join(',') || 'none' : String(value);
}

/** The `sim` command's flags, one per option that has one, in the schema's order. */
export function simOptionFlags(): SimOptionFlag[] {
  return entries()
    .filter((entry) => entry.facts.flag !== false)
    .map((entry) => {
      const name = typeof entry.facts.flag === 'string' ? entry.facts.flag : kebab(entry.option);
      const env = envName(entry);
      const help = `${entry.facts.help} (default: ${shown(entry.defaultValue)}; env ${env})`;
      return { option: entry.option, name, flags: `--${name} ${entry.facts.argument}`, attribute: camel(name), env, help };
    });
}

/**
 * The options the `sim` command runs with: each from its flag if given, else its environment variable (empty means
 * unset), else the command's default. Values are read from text and checked once here; messages name the flag and
 * the variable. The token comes only from the environment and is never echoed.
 */
export function simOptionsFromCommandLine(
  given: Readonly<Record<string, string | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): Partial<SimOptions> {
  const flags = new Map(simOptionFlags().map((f) => [f.option, f]));
  const out: Record<string, unknown> = {};
  for (const entry of entries()) {
    const flag = flags.get(entry.option);
    const fromFlag = flag === undefined ? undefined : given[flag.attribute];
    const fromEnv = env[envName(entry)] || undefined;
    const raw = fromFlag ?? fromEnv;
    if (raw === undefined) {
      if (entry.facts.commandDefault !== undefined) out[entry.option] = entry.facts.commandDefault;
      continue;
    }
    const value = raw === true ? true : entry.facts.fromText(raw === false ? 'false' : raw);
    const schema = (simOptionsSchema.shape as Record<string, ZodType>)[entry.option];
    const checked = schema?.safeParse(value);
    if (checked?.success !== true) {
      const source = flag === undefined ? envName(entry) : `--${flag.name} / ${flag.env}`;
      const got = entry.option === 'token' ? '' : ` (got ${JSON.stringify(raw)})`;
      // An option's own check (rateSchedule's) says what it found wrong.
      const issue = checked?.error.issues[0];
      const detail = issue?.code === 'custom' ? `: ${issue.message}` : '';
      throw new AppError('config', `simulator: ${describeOption(source, entry.facts)}${got}${detail}`);
    }
    out[entry.option] = value;
  }
  return out as Partial<SimOptions>;
}
