// The folder-level check of `npm run lint:deps` on small fabricated graphs (dependency-cruiser's module shape):
// folders that import each other without any module cycle, an upward arrow, and a folder the layer table misses.
import { describe, expect, it } from 'vitest';
import { checkFolderGraph, foldToUnits, readmeGraphProblem, toMermaid, type CruisedModule } from './folder-graph.mjs';

function module(source: string, ...imports: string[]): CruisedModule {
  return { source, dependencies: imports.map((resolved) => ({ resolved })) };
}

describe('folder graph', () => {
  it('folds modules to folders, leaving out imports inside a folder and outside src/ and jobs/', () => {
    const graph = foldToUnits([
      module('src/queue/a.ts', 'src/queue/b.ts', 'src/csv/index.ts', 'node_modules/bullmq/dist/esm/index.js'),
      module('src/queue/b.ts', 'src/errors.ts', 'node:fs'),
      module('test/queue/a.test.ts', 'src/report/index.ts'),
      module('jobs/index.ts', 'src/queue/a.ts'),
    ]);
    expect(graph.units).toEqual(['jobs', 'src/csv', 'src/errors.ts', 'src/queue']);
    expect(graph.edges.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([
      'jobs -> src/queue',
      'src/queue -> src/csv',
      'src/queue -> src/errors.ts',
    ]);
    expect(checkFolderGraph(graph)).toEqual([]);
  });

  it('reports a cycle between folders that no module cycle shows', () => {
    const graph = foldToUnits([
      module('src/csv/a.ts', 'src/s1/b.ts'),
      module('src/s1/c.ts', 'src/csv/d.ts'),
      module('src/s1/b.ts', 'src/safe-id.ts'),
    ]);
    const problems = checkFolderGraph(graph);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Folder cycle: src\/csv, src\/s1 import each other/);
    expect(problems[0]).toContain('src/csv/a.ts -> src/s1/b.ts');
    expect(problems[0]).toContain('src/s1/c.ts -> src/csv/d.ts');
  });

  it('reports an arrow from a lower layer to a higher one, naming both layers and the import', () => {
    const problems = checkFolderGraph(foldToUnits([module('src/report/build.ts', 'jobs/index.ts')]));
    expect(problems).toEqual([expect.stringContaining('src/report (layer "batch services") imports jobs')]);
    expect(problems[0]).toContain('(higher layer "jobs") via src/report/build.ts -> jobs/index.ts');
  });

  it('reports both when an upward arrow closes a cycle', () => {
    const problems = checkFolderGraph(
      foldToUnits([module('src/queue/start.ts', 'jobs/index.ts'), module('jobs/index.ts', 'src/queue/store.ts')]),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('src/queue (layer "queue") imports jobs');
    expect(problems[1]).toMatch(/^Folder cycle: jobs, src\/queue/);
  });

  it('reports a src/ folder the layer table does not place', () => {
    const problems = checkFolderGraph(foldToUnits([module('src/metrics/counter.ts', 'src/errors.ts')]));
    expect(problems).toEqual([expect.stringContaining('src/metrics is in no layer')]);
  });

  it('draws one mermaid subgraph per layer, highest first', () => {
    const graph = foldToUnits([module('src/cli/main.ts', 'src/queue/a.ts'), module('src/queue/a.ts', 'src/errors.ts')]);
    const chart = toMermaid(graph);
    expect(chart.split('\n')).toEqual([
      'flowchart TD',
      '  subgraph layer_faces["faces"]',
      '    cli["src/cli"]',
      '  end',
      '  subgraph layer_queue["queue"]',
      '    queue["src/queue"]',
      '  end',
      '  subgraph layer_foundation["foundation"]',
      '    errors["src/errors.ts"]',
      '  end',
      '  cli --> queue',
      '  queue --> errors',
    ]);
  });

  it("holds the README's folder graph to the tree's: a missing arrow, or no graph at all, is a problem", () => {
    const chart = toMermaid(foldToUnits([module('src/cli/main.ts', 'src/queue/a.ts'), module('src/queue/a.ts', 'src/errors.ts')]));
    const readme = (graph: string) => `## Layers\n\n\`\`\`mermaid\n${graph}\n\`\`\`\n\nmore text\n`;
    expect(readmeGraphProblem(readme(chart), chart)).toBeUndefined();
    const stale = chart.replace('\n  queue --> errors', '');
    expect(readmeGraphProblem(readme(stale), chart)).toMatch(/not the tree's.*--mermaid/);
    expect(readmeGraphProblem('## Layers\n\nno chart\n', chart)).toMatch(/no ```mermaid block/);
  });
});
