// The import graph folded to units (src/<folder>, a file directly in src/, jobs): dependency-cruiser checks
// modules, and two folders can import each other without any module cycle (csv/a -> s1/b, s1/c -> csv/d), which only
// a graph with folders as nodes shows. Plain JavaScript so `npm run lint` runs it without a build.
import layerTable from './layers.cjs';

const { layers, layerOrder, readmeSection, unitOf, layerIndexOf, shortName } = layerTable;

/**
 * Folds dependency-cruiser's modules (its JSON output's `modules`) to unit-to-unit edges. Imports inside one unit and
 * imports of anything outside src/ and jobs/ (packages, node: built-ins, test/, bench/) are left out.
 * @param {ReadonlyArray<{ source: string, dependencies: ReadonlyArray<{ resolved: string }> }>} modules
 */
export function foldToUnits(modules) {
  const units = new Set();
  /** @type {Map<string, { from: string, to: string, via: string }>} */
  const edges = new Map();
  for (const module of modules) {
    const from = unitOf(module.source);
    if (from === undefined) continue;
    units.add(from);
    for (const dependency of module.dependencies) {
      const to = unitOf(dependency.resolved);
      if (to === undefined || to === from) continue;
      units.add(to);
      const key = `${from} ${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, via: `${module.source} -> ${dependency.resolved}` });
    }
  }
  return { units: [...units].sort(), edges: [...edges.values()].sort(byEnds) };
}

function byEnds(a, b) {
  return a.from === b.from ? a.to.localeCompare(b.to) : a.from.localeCompare(b.from);
}

/**
 * Everything wrong with a folded graph, one message per problem: a unit the layer table does not place, an arrow
 * from a lower layer to a higher one, and each group of units that import each other in a circle.
 * @param {{ units: readonly string[], edges: ReadonlyArray<{ from: string, to: string, via: string }> }} graph
 * @returns {string[]}
 */
export function checkFolderGraph(graph) {
  const problems = [];
  for (const unit of graph.units) {
    if (layerIndexOf(unit) < 0) {
      problems.push(`${unit} is in no layer: place it in test/architecture/layers.cjs (${readmeSection}).`);
    }
  }
  for (const edge of graph.edges) {
    const from = layerIndexOf(edge.from);
    const to = layerIndexOf(edge.to);
    if (from >= 0 && to > from) {
      problems.push(
        `Layer rule: ${edge.from} (layer "${layers[from].name}") imports ${edge.to} (higher layer ` +
          `"${layers[to].name}") via ${edge.via}. Imports point down: ${layerOrder}.`,
      );
    }
  }
  for (const cycle of unitCycles(graph)) {
    const arrows = graph.edges.filter((edge) => cycle.includes(edge.from) && cycle.includes(edge.to));
    problems.push(
      `Folder cycle: ${cycle.join(', ')} import each other (${arrows.map((edge) => edge.via).join('; ')}). ` +
        'Folders form a graph without cycles; move the shared part down a layer.',
    );
  }
  return problems;
}

/**
 * Strongly connected groups of more than one unit (Tarjan), each sorted, in a stable order.
 * @param {{ units: readonly string[], edges: ReadonlyArray<{ from: string, to: string }> }} graph
 * @returns {string[][]}
 */
export function unitCycles(graph) {
  const next = new Map(graph.units.map((unit) => [unit, []]));
  for (const edge of graph.edges) next.get(edge.from)?.push(edge.to);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  const visit = (unit) => {
    index.set(unit, index.size);
    low.set(unit, index.get(unit));
    stack.push(unit);
    onStack.add(unit);
    for (const to of next.get(unit) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(unit, Math.min(low.get(unit), low.get(to)));
      } else if (onStack.has(to)) {
        low.set(unit, Math.min(low.get(unit), index.get(to)));
      }
    }
    if (low.get(unit) !== index.get(unit)) return;
    const group = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      group.push(member);
    } while (member !== unit);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const unit of graph.units) if (!index.has(unit)) visit(unit);
  return groups.sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * The folded graph as a mermaid flowchart, one subgraph per layer (highest first, as arrows point down).
 * @param {{ units: readonly string[], edges: ReadonlyArray<{ from: string, to: string }> }} graph
 */
export function toMermaid(graph) {
  const id = (unit) => shortName(unit).replace(/[^a-z0-9]/gi, '_');
  const lines = ['flowchart TD'];
  [...layers].reverse().forEach((layer) => {
    const present = layer.units.filter((unit) => graph.units.includes(unit));
    if (present.length === 0) return;
    lines.push(`  subgraph layer_${id(layer.name)}["${layer.name}"]`);
    for (const unit of present) lines.push(`    ${id(unit)}["${unit}"]`);
    lines.push('  end');
  });
  for (const edge of graph.edges) lines.push(`  ${id(edge.from)} --> ${id(edge.to)}`);
  return lines.join('\n');
}

/**
 * Why the README's folder graph (its one ```mermaid block) is not the graph of the tree, or undefined when it is:
 * the README drew `s1` without its arrow to `csv` for many commits before this was checked.
 * @param {string} readme
 * @param {string} mermaid what {@link toMermaid} draws for the tree
 */
export function readmeGraphProblem(readme, mermaid) {
  const block = /```mermaid\n([\s\S]*?)```/.exec(readme);
  if (!block) return "README.md has no ```mermaid block for the folder graph";
  if (block[1].trim() === mermaid.trim()) return undefined;
  return "README.md's folder graph is not the tree's: paste the output of `node test/architecture/check-dependencies.mjs --mermaid` into its ```mermaid block";
}
