import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { childEnv } from '../helpers/test-env.js';

// No Redis and no S1 here: --version and --help answer before any command runs.
const cli = (args: string[]) => runCli(args, childEnv({}));

/** The command names a help page lists under "Commands:" (without `help`). */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
}

// What each command must name at least; the token wherever a command calls S1.
const MUST_NAME: Record<string, string[]> = {
  import: ['REDIS_URL', 'QUEUE_PREFIX', 'S1_API_TOKEN'],
  worker: ['REDIS_URL', 'S1_API_URL', 'S1_API_TOKEN', 'S1_RATE_LIMIT', 'S1_CONCURRENCY'],
  run: ['REDIS_URL', 'S1_API_URL', 'S1_API_TOKEN', 'S1_RATE_LIMIT', 'REPORT_DIR'],
  status: ['REDIS_URL'],
  report: ['REDIS_URL', 'REPORT_DIR'],
  retry: ['REDIS_URL'],
  sim: ['S1_API_TOKEN'],
};

describe('--version and --help', () => {
  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const res = await cli(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(pkg.version);
  });

  it("every command's help names the environment it reads and shows one example", async () => {
    const root = await cli(['--help']);
    expect(root.stdout).toContain('.env');
    const paths = commandsOf(root.stdout).map((n) => [n]);
    expect(paths.length).toBeGreaterThanOrEqual(8);
    const schedule = await cli(['schedule', '--help']);
    paths.push(...commandsOf(schedule.stdout).map((n) => ['schedule', n]));
    expect(paths).toContainEqual(['schedule', 'set']);
    for (const path of paths) {
      const res = await cli([...path, '--help']);
      expect(res.code, path.join(' ')).toBe(0);
      const text = res.stdout;
      expect(text, path.join(' ')).toMatch(/^Environment \(also read from \.env\):\n {2}[A-Z]/m);
      expect(text, path.join(' ')).toMatch(new RegExp(`^Example:\\n {2}\\$ (?:[A-Z0-9_]+=\\S+ )?bulk-assign ${path.join(' ')}\\b`, 'm'));
      for (const name of MUST_NAME[path.join(' ')] ?? []) expect(text, `${path.join(' ')} names ${name}`).toContain(name);
    }
  });
});
