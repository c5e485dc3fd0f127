import { describe, expect, it } from 'vitest';
import { simOptionFlags, simOptionsFromCommandLine } from '../../src/sim/sim-option-flags.js';
import { simOptionsSchema, START_ONLY_OPTIONS } from '../../src/sim/sim-options.js';

describe('simulator options on the command line', () => {
  it('has one flag per option of the schema, except the token, with its default and variable in the help', () => {
    const flags = simOptionFlags();
    const options = Object.keys(simOptionsSchema.shape).filter((o) => o !== 'token');
    expect(flags.map((f) => f.option)).toEqual(options);
    const rate = flags.find((f) => f.option === 'rate');
    expect(rate).toMatchObject({ flags: '--rate <n>', attribute: 'rate', env: 'SIM_RATE' });
    expect(rate?.help).toMatch(/\(default: 0; env SIM_RATE\)$/);
    // The historic flag name is kept for latencyMs; the command's own port default is 8080.
    expect(flags.find((f) => f.option === 'latencyMs')).toMatchObject({ flags: '--latency <n>', env: 'SIM_LATENCY_MS' });
    expect(flags.find((f) => f.option === 'port')?.help).toMatch(/default: 8080/);
    expect(START_ONLY_OPTIONS).toContain('port');
  });

  it('reads a flag before its variable, and a variable before the default; empty variables are unset', () => {
    const env = { SIM_RATE: '7', SIM_LATENCY_MS: '5', SIM_HOST: '', S1_API_TOKEN: 'from-env' };
    const options = simOptionsFromCommandLine({ latency: '20', deprecation: true, unknownUsers: 'A, B,,' }, env);
    expect(options).toMatchObject({ rate: 7, latencyMs: 20, deprecation: true, unknownUsers: ['A', 'B'] });
    expect(options.token).toBe('from-env');
    expect(options.host).toBeUndefined();
    expect(options.port).toBe(8080);
    expect(simOptionsFromCommandLine({ strictIds: 'no', onAlreadyMember: '409' }, {})).toMatchObject({
      strictIds: false,
      onAlreadyMember: 409,
    });
  });

  it('names the flag and the variable of a bad value, and never echoes the token', () => {
    expect(() => simOptionsFromCommandLine({ rate: 'fast' }, {})).toThrow(
      'simulator: --rate / SIM_RATE must be an integer from 0 to 2000000 (got "fast")',
    );
    expect(() => simOptionsFromCommandLine({}, { SIM_RETRY_AFTER: 'later' })).toThrow(
      /--retry-after \/ SIM_RETRY_AFTER must be one of seconds, date, none/,
    );
    expect(() => simOptionsFromCommandLine({ deprecation: 'maybe' }, {})).toThrow(/--deprecation .* true or false/);
  });
});
