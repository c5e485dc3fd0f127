import { z } from 'zod';

/** What an option needs besides its zod type: how to read it from text and how to say what a valid value is. */
export interface ValueFacts {
  /** Completes "<option> must be ...", for every way a value can be wrong. */
  must: string;
  /** The value from a flag or an environment variable; text that is not a value is returned as is, for zod to reject. */
  fromText(text: string): unknown;
  /** How the flag's argument is shown in help, e.g. `<n>`; booleans take an optional one. */
  argument: string;
}

/** Everything the `sim` command derives from one option. */
export interface OptionFacts extends ValueFacts {
  /** One line of help. */
  help: string;
  /** The flag's name when it is not the kebab-case option name; false: no flag (a secret belongs in the environment). */
  flag?: string | false;
  /** The environment variable when it is not `SIM_<OPTION_NAME>`. */
  env?: string;
  /** The `sim` command's default when it differs from the library's (a fixed port, a demo directory). */
  commandDefault?: unknown;
}

/** A zod type with the facts that go with it. */
export interface OptionKind<T extends z.ZodType> {
  schema: T;
  facts: ValueFacts;
}

const optionRegistry = z.registry<OptionFacts>();

/** Attaches an option's facts to its (final, defaulted) schema. */
export function registerOption<T extends z.ZodType>(schema: T, facts: OptionFacts): T {
  optionRegistry.add(schema, facts);
  return schema;
}

/** The facts registered for an option's schema. */
export function optionFacts(schema: z.ZodType): OptionFacts | undefined {
  return optionRegistry.get(schema);
}

/** The one sentence every invalid value of an option gets. */
export function describeOption(name: string, facts: ValueFacts | undefined): string {
  return `${name} must be ${facts?.must ?? 'valid'}`;
}

export function integer(min: number, max: number): OptionKind<z.ZodNumber> {
  return {
    schema: z.number().int().min(min).max(max),
    facts: {
      must: `an integer from ${min} to ${max}`,
      fromText: (t) => (/^\s*\d{1,10}\s*$/.test(t) ? Number(t) : t),
      argument: '<n>',
    },
  };
}

export function bool(): OptionKind<z.ZodBoolean> {
  const words: Record<string, boolean> = { true: true, yes: true, '1': true, false: false, no: false, '0': false };
  return {
    schema: z.boolean(),
    facts: { must: 'true or false', fromText: (t) => words[t.trim().toLowerCase()] ?? t, argument: '[yes|no]' },
  };
}

export function text(): OptionKind<z.ZodString> {
  return { schema: z.string().min(1), facts: { must: 'a non-empty string', fromText: (t) => t, argument: '<text>' } };
}

export function stringList(): OptionKind<z.ZodArray<z.ZodString>> {
  return {
    schema: z.array(z.string()),
    facts: {
      must: 'an array of strings',
      fromText: (t) => t.split(',').map((s) => s.trim()).filter((s) => s !== ''),
      argument: '<a,b,...>',
    },
  };
}

export function oneOf<const V extends readonly [string | number, ...Array<string | number>]>(
  values: V,
): OptionKind<z.ZodLiteral<V[number]>> {
  return {
    schema: z.literal(values),
    facts: {
      must: `one of ${values.join(', ')}`,
      fromText: (t) => values.find((v) => String(v) === t.trim()) ?? t,
      argument: `<${values.join('|')}>`,
    },
  };
}
