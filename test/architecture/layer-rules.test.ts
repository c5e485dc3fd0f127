// Each layer rule fails on a deliberate violation, and code that keeps to the layers passes. ESLint lints code given
// as text under a made-up path (no file written); dependency-cruiser cruises a small fabricated tree in a temp folder
// with the project's own .dependency-cruiser.cjs.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFolderGraph, foldToUnits, type CruisedModule } from './folder-graph.mjs';
import { tempDir } from '../helpers/test-env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const layerRuleIds = ['no-restricted-imports', 'no-restricted-properties'];

describe('ESLint layer rules', () => {
  const eslint = new ESLint({ cwd: root });

  async function layerMessages(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
    return (result?.messages ?? [])
      .filter((message) => message.ruleId !== null && layerRuleIds.includes(message.ruleId))
      .map((message) => message.message);
  }

  it.each([
    [
      'src/csv -> bullmq',
      'src/csv/violation.ts',
      "export { Queue } from 'bullmq';",
      'src/csv knows nothing of BullMQ',
    ],
    [
      'src/s1 -> ioredis (type only)',
      'src/s1/violation.ts',
      "export type { Redis } from 'ioredis';",
      'src/s1 knows nothing of BullMQ',
    ],
    [
      'src/sim -> src/queue',
      'src/sim/violation.ts',
      "export { openStore } from '../queue/open-store.js';",
      'src/sim (layer "adapters") must not import src/queue',
    ],
    [
      'src/queue -> jobs',
      'src/queue/violation.ts',
      "export { jobKinds } from '../../jobs/index.js';",
      'src/queue (layer "queue") must not import jobs',
    ],
    [
      'src/queue -> src/report',
      'src/queue/violation.ts',
      "import { buildReport } from '../report/index.js';\nexport const report = buildReport;",
      'src/queue (layer "queue") must not import src/report',
    ],
    [
      'src/queue -> src/worker',
      'src/queue/violation.ts',
      "export * from '../worker/start-worker.js';",
      'src/queue (layer "queue") must not import src/worker',
    ],
    [
      'src/report -> jobs (upward)',
      'src/report/violation.ts',
      "export { jobKinds } from '../../jobs/index.js';",
      'src/report (layer "batch services") must not import jobs',
    ],
    ['process.exit outside src/cli', 'src/queue/violation.ts', 'process.exit(1);', 'Only src/cli ends the process'],
    [
      'exit imported outside src/cli',
      'jobs/violation.ts',
      "import { exit } from 'node:process';\nexit(1);",
      'Only src/cli ends the process',
    ],
  ])('%s is an error that names the rule', async (_case, filePath, code, expected) => {
    const messages = await layerMessages(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(expected);
  });

  it('passes imports that point down, and process.exit in src/cli', async () => {
    const clean = [
      "export { openStore } from '../queue/open-store.js';",
      "export { defuseCell } from '../csv/defuse-cell.js';",
      "export { AppError } from '../errors.js';",
      "export { readFile } from 'node:fs/promises';",
    ].join('\n');
    expect(await layerMessages('src/report/clean.ts', clean)).toEqual([]);
    const cli = "export * from '../worker/start-worker.js';\nexport * from '../console/index.js';\nprocess.exit(0);";
    expect(await layerMessages('src/cli/clean.ts', cli)).toEqual([]);
    expect(await layerMessages('jobs/clean.ts', "export { Queue } from 'bullmq';")).toEqual([]);
  });
});

/** A tree with one violation per rule, plus a file that keeps to the layers. */
const fabricatedTree: Record<string, string> = {
  'src/errors.ts': 'export const errors = 1;',
  'src/csv/violation.ts': "export { Queue } from 'bullmq';",
  'src/s1/violation.ts': "export type { Redis } from 'ioredis';",
  'src/sim/violation.ts': "export { queue } from '../queue/index.js';",
  'src/queue/index.ts': 'export const queue = 1;',
  'src/queue/to-jobs.ts': "export const jobs = import('../../jobs/index.js');",
  'src/queue/to-report.ts': "export { report } from '../report/index.js';",
  'src/queue/to-worker.ts': "export { worker } from '../worker/index.js';",
  'src/report/index.ts': 'export const report = 1;',
  'src/report/to-jobs.ts': "export { jobs } from '../../jobs/index.js';",
  'src/report/clean.ts': "export { queue } from '../queue/index.js';\nexport { errors } from '../errors.js';",
  'src/schedule/circle-a.ts': "export { b } from './circle-b.js';\nexport const a = 1;",
  'src/schedule/circle-b.ts': "export { a } from './circle-a.js';\nexport const b = 1;",
  'src/worker/index.ts': "export const worker = 1;\nexport { jobs } from '../../jobs/index.js';",
  'jobs/index.ts': "export const jobs = 1;\nexport { report } from '../src/report/index.js';",
};

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

describe('dependency-cruiser layer rules', () => {
  let dir: string;
  let violations: Violation[];
  let modules: CruisedModule[];

  beforeAll(async () => {
    dir = tempDir('depcruise');
    for (const [path, code] of Object.entries(fabricatedTree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), `${code}\n`);
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext' } }));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const args = ['src', 'jobs', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'];
    // depcruise exits with the number of violations, so a non-zero exit is expected here.
    const { stdout } = await promisify(execFile)(join(root, 'node_modules/.bin/depcruise'), args, { cwd: dir }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    const result = JSON.parse(stdout) as { summary: { violations: Violation[] }; modules: CruisedModule[] };
    violations = result.summary.violations;
    modules = result.modules;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ruleOf = (from: string, to: string): string[] =>
    violations.filter((v) => v.from === from && v.to.startsWith(to)).map((v) => v.rule.name);

  it.each([
    ['src/csv -> bullmq', 'src/csv/violation.ts', 'node_modules/bullmq/', 'adapters-know-no-bullmq'],
    ['src/s1 -> ioredis (type only)', 'src/s1/violation.ts', 'node_modules/ioredis/', 'adapters-know-no-bullmq'],
    ['src/sim -> src/queue', 'src/sim/violation.ts', 'src/queue/index.ts', 'layer-adapters-imports-up'],
    ['src/queue -> jobs (dynamic import)', 'src/queue/to-jobs.ts', 'jobs/index.ts', 'layer-queue-imports-up'],
    ['src/queue -> src/report', 'src/queue/to-report.ts', 'src/report/index.ts', 'layer-queue-imports-up'],
    ['src/queue -> src/worker', 'src/queue/to-worker.ts', 'src/worker/index.ts', 'layer-queue-imports-up'],
    ['src/report -> jobs (upward)', 'src/report/to-jobs.ts', 'jobs/index.ts', 'layer-batch-services-imports-up'],
    ['a module cycle', 'src/schedule/circle-a.ts', 'src/schedule/circle-b.ts', 'no-circular'],
  ])('%s is an error', (_case, from, to, rule) => {
    expect(ruleOf(from, to)).toEqual([rule]);
  });

  it('passes imports that point down', () => {
    const clean = ['src/report/clean.ts', 'src/worker/index.ts', 'jobs/index.ts'];
    expect(violations.filter((v) => clean.includes(v.from))).toEqual([]);
  });

  it('feeds the folder-graph check, which reports the same upward arrows', () => {
    const problems = checkFolderGraph(foldToUnits(modules));
    expect(problems.filter((p) => p.startsWith('Layer rule: src/queue'))).toHaveLength(3);
    const reportToJobs = 'Layer rule: src/report (layer "batch services") imports jobs';
    expect(problems.some((p) => p.startsWith(reportToJobs))).toBe(true);
  });
});
