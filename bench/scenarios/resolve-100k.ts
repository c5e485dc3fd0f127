/*
 * By hand, not part of `npm run bench` (issue 12.4): resolving e-mails and group names against a 100,000-user
 * directory. `npm run build && node dist/bench/scenarios/resolve-100k.js [users] [rate]`.
 *
 * Runs `import <file> --dry-run --json` as users run it (a child process, its own private redis-server, the simulator
 * in this process over loopback) on a 1,000-row file of e-mails and group names, so the figure is the whole dry run:
 * reading the file, paging both lists through the global limiter, and classifying every row. Prints pages, requests,
 * wall time, pages per second and the child's peak RSS; at the default S1_RATE_LIMIT of 10 the wall time is the
 * pages divided by 10, which the dry run itself states.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDirectory } from '../../src/sim/index.js';
import { withSimulator } from '../lib/bench-sim.js';
import { runNode } from '../lib/child-process.js';
import { CLI } from '../lib/paths.js';
import { startPrivateRedis } from '../lib/redis-server.js';

const users = Number(process.argv[2] ?? 100_000);
const rate = Number(process.argv[3] ?? 2_000);
const groups = 40;

function writeFile(dir: string): string {
  const directory = seedDirectory({ directoryUsers: users, directoryGroups: groups });
  const lines = ['email,groupName,note'];
  // Spread over the whole directory, so no early page could answer them all.
  for (let i = 0; i < 1000; i++) {
    const u = directory.user(Math.floor((i * users) / 1000) + (i % 7));
    lines.push(`${u.email ?? 'nobody@unknown.example'},${directory.group(i % groups).name.trim()},row ${i}`);
  }
  const path = join(dir, 'resolve-100k.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-resolve-'));
  const file = writeFile(dir);
  const redis = await startPrivateRedis();
  try {
    await withSimulator({ directoryUsers: users, directoryGroups: groups }, async (sim, token) => {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, REDIS_URL: redis.url, QUEUE_PREFIX: '{bench-resolve}', S1_API_URL: sim.url, S1_API_TOKEN: token, S1_RATE_LIMIT: String(rate), LOG_LEVEL: 'warn' };
      const res = await runNode(CLI, ['import', file, '--dry-run', '--json'], env, { cwd: dir });
      const out = JSON.parse(res.stdout) as { rows: number; valid: number; invalid: number; reasons: Record<string, number>; resolution: { pages: number } };
      const stats = sim.stats();
      const seconds = res.elapsedMs / 1000;
      console.log(
        JSON.stringify(
          {
            directoryUsers: users,
            groups,
            rate,
            rows: out.rows,
            valid: out.valid,
            invalid: out.invalid,
            reasons: out.reasons,
            pages: out.resolution.pages,
            listCalls: stats.listCalls,
            seconds: Number(seconds.toFixed(2)),
            pagesPerSecond: Math.round(out.resolution.pages / seconds),
            peakRssMb: Math.round(res.peakRss / 2 ** 20),
            atDefaultRate10: `${Math.ceil(out.resolution.pages / 10)} s`,
          },
          null,
          2,
        ),
      );
    });
  } finally {
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
