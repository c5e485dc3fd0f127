import { once } from 'node:events';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, killAllChildren, runCli, spawnCli, waitFor } from '../helpers/cli.js';

const TOKEN = 'cli-token';
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, S1_API_TOKEN: TOKEN, ...extra });

describe('bulk-assign sim (the built CLI)', () => {
  afterEach(async () => {
    expect(await killAllChildren()).toBe(0);
  });

  it('passes flags and SIM_* variables to the simulator, and stops on SIGTERM', async () => {
    const child = spawnCli(
      ['sim', '--port', '0', '--directory-groups', '7', '--deprecation', '--rate', '50'],
      env({ SIM_DIRECTORY_USERS: '12', SIM_RATE: '1' }),
    );
    const output = collect(child);
    const url = await waitFor('the listening line', () => /listening on (http:\/\/\S+)/.exec(output.stderr())?.[1]);
    const get = async (path: string) => {
      const res = await request(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as Record<string, unknown> };
    };
    const groups = await get('/public/v1/accounts/user-groups');
    expect(groups.status).toBe(200);
    expect(groups.headers.deprecation).toBe('true');
    expect(groups.json.$meta).toEqual({ pagination: { offset: 0, limit: 10, total: 7 } });
    // --rate 50 wins over SIM_RATE=1: a second call within the second is not refused.
    const users = await get('/public/v1/accounts/account-users');
    expect(users.status).toBe(200);
    expect(users.json.$meta).toEqual({ pagination: { offset: 0, limit: 10, total: 12 } });
    expect(output.stderr()).not.toContain(TOKEN);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a bad value in one line naming the flag and the variable', async () => {
    const r = await runCli(['sim', '--port', '0', '--on-already-member', '201'], env());
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'bulk-assign: simulator: --on-already-member / SIM_ON_ALREADY_MEMBER must be one of 200, 400, 409 (got "201")',
    );
  });
});
