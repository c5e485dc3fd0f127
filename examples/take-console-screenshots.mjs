// Takes the README's console screenshots (examples/console-upload-plan.png, examples/console-batch.png). Run by hand
// after `npm run build`, with /usr/bin/chromium installed:   node examples/take-console-screenshots.mjs
// It starts its own redis-server, simulator, console and worker, and stops them again.
/* global process, console, Buffer, URL, setTimeout */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startRedisServer } from '../dist/src/cli/redis-server-process.js';
import { startSimulator } from '../dist/src/sim/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'bulk-assign.js');
const dir = mkdtempSync(join(tmpdir(), 'ba-shots-'));
const redis = await startRedisServer({});
const token = 'screenshot-sim-token';
const sim = await startSimulator({ token, latencyMs: 40 });
const env = { ...process.env, REDIS_URL: redis.url, S1_API_URL: sim.url, S1_API_TOKEN: token, CONSOLE_TOKEN: 'screenshot-console-token', REPORT_DIR: join(dir, 'reports'), S1_RATE_LIMIT: '60', S1_MAX_ATTEMPTS: '1', LOG_LEVEL: 'warn' };
const children = [];
const start = (args) => {
  const c = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(c);
  return c;
};

// 400 rows: a few the simulator refuses (503, 404), a few invalid and a duplicate, so every chart has something.
const lines = ['accountUserId,groupId'];
for (let i = 1; i <= 400; i++) lines.push(`AUSR-1000-0000-${String(i).padStart(4, '0')},UGR-${i % 3 === 0 ? '2222-0000' : '1234-5678'}`);
lines.push('AUSR-1000-0000-0001,UGR-1234-5678', 'AUSR-1000-0000-77,UGR-1234-5678', 'AUSR-1000-0000-0998,UGR-12', 'AUSR-1000-0000-0999,');
for (const n of [7, 19, 23, 31, 42, 57, 61, 88]) sim.addFault({ accountUserId: `AUSR-1000-0000-${String(n).padStart(4, '0')}`, kind: 'status', status: 503 });
sim.addFault({ accountUserId: 'AUSR-1000-0000-0100', kind: 'status', status: 404 });

const serve = start(['serve', '--port', '0']);
let err = '';
serve.stderr.on('data', (d) => (err += d));
while (!/console on (http:\S+)/.test(err)) await new Promise((r) => setTimeout(r, 100));
const url = /console on (http:\S+)/.exec(err)[1];

const profile = mkdtempSync(join(tmpdir(), 'ba-shots-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1180, height: 900 },
});
try {
  const page = await context.newPage();
  await page.goto(url + '/login');
  await page.fill('input[name="token"]', env.CONSOLE_TOKEN);
  await page.click('form[action="/login"] button');
  await page.waitForURL(url + '/');
  await page.goto(url + '/upload');
  await page.setInputFiles('input[name="file"]', { name: 'finance-team.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  await page.fill('input[name="batch"]', 'finance-team-dec');
  await page.click('form[action="/upload"] button');
  await page.waitForSelector('#plan');
  await page.screenshot({ path: join(root, 'examples', 'console-upload-plan.png'), fullPage: true });
  await page.click('#start');
  await page.waitForSelector('#progress[data-live="open"]');
  start(['worker']);
  await page.waitForSelector('#progress[data-live="ended"]', { timeout: 120_000 });
  await page.screenshot({ path: join(root, 'examples', 'console-batch.png'), fullPage: true });
  console.log('wrote examples/console-upload-plan.png and examples/console-batch.png');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  for (const c of children) {
    c.kill('SIGTERM');
    if (c.exitCode === null) await once(c, 'exit');
  }
  await sim.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
