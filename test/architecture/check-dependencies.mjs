// `npm run lint:deps`: one dependency-cruiser run over the tree, checked twice. The module rules of
// .dependency-cruiser.cjs (layers, BullMQ-free adapters, no cycles) are printed as depcruise prints them; the same
// graph folded to folders must have no cycle and no upward arrow (folder-graph.mjs), and README.md must draw it as it
// is. Exit code 1 on any problem.
//   node test/architecture/check-dependencies.mjs            check
//   node test/architecture/check-dependencies.mjs --mermaid  print the folder graph (README's layer section)
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { format } from 'dependency-cruiser';
import { checkFolderGraph, foldToUnits, readmeGraphProblem, toMermaid } from './folder-graph.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cruised = ['src', 'jobs', 'bench', 'test'];

// The CLI rather than the API: it reads the configuration (tsconfig, resolve options) exactly as `npx depcruise` does.
const { stdout } = await promisify(execFile)(
  'node_modules/.bin/depcruise',
  [...cruised, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
  { cwd: root, maxBuffer: 256 * 1024 * 1024 },
).catch((error) => {
  // depcruise exits with the number of violations; its JSON is still complete on stdout.
  if (typeof error.stdout === 'string' && error.stdout.startsWith('{')) return error;
  throw error;
});
const result = JSON.parse(stdout);
const graph = foldToUnits(result.modules);

if (process.argv.includes('--mermaid')) {
  console.log(toMermaid(graph));
} else {
  const moduleReport = await format(result, { outputType: 'err-long' });
  if (moduleReport.output.trim() !== '') console.log(moduleReport.output);
  const readmeProblem = readmeGraphProblem(readFileSync(`${root}README.md`, 'utf8'), toMermaid(graph));
  const folderProblems = [...checkFolderGraph(graph), ...(readmeProblem ? [readmeProblem] : [])];
  for (const problem of folderProblems) console.log(`  error folder-graph: ${problem}`);
  console.log(
    `folder graph: ${graph.units.length} units, ${graph.edges.length} arrows, ${folderProblems.length} problem(s)`,
  );
  if (result.summary.error > 0 || folderProblems.length > 0) process.exitCode = 1;
}
