// dependency-cruiser rules (`npm run lint:deps`). They check the resolved import graph, so they also see what the
// ESLint import rules cannot: dynamic import(), re-exports through index files and cycles. The layer table lives in
// test/architecture/layers.cjs, shared with eslint.config.js; the folder-level check (no cycle between folders,
// every src/ folder placed in a layer) is test/architecture/check-dependencies.mjs.
'use strict';

const {
  layers,
  outsideLayers,
  bullmqFreeUnits,
  bullmqPackages,
  layerOrder,
  readmeSection,
  shortName,
  unitPathPattern,
} = require('./test/architecture/layers.cjs');

const anyOf = (units) => units.map(unitPathPattern);

/** One rule per layer: nothing in it imports a unit of a higher layer. */
const layerRules = layers.slice(0, -1).map((layer, index) => {
  const higher = layers.slice(index + 1).flatMap((above) => above.units);
  return {
    name: `layer-${layer.name.replace(/\s+/g, '-')}-imports-up`,
    severity: 'error',
    comment:
      `Layer rule: ${layer.units.map(shortName).join(', ')} (layer "${layer.name}") must not import a higher layer ` +
      `(${higher.map(shortName).join(', ')}). Imports point down: ${layerOrder}. See ${readmeSection}.`,
    from: { path: anyOf(layer.units) },
    to: { path: anyOf(higher) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'adapters-know-no-bullmq',
      severity: 'error',
      comment:
        `Layer rule: ${bullmqFreeUnits.map(shortName).join(', ')} know nothing of BullMQ or Redis ` +
        `(${bullmqPackages.join(', ')}); the queue layer wraps them. See ${readmeSection}.`,
      from: { path: anyOf(bullmqFreeUnits) },
      to: { path: `(^|/)node_modules/(${bullmqPackages.join('|')})/` },
    },
    {
      name: 'layers-import-no-test-or-bench',
      severity: 'error',
      comment: `Layer rule: ${outsideLayers.join('/')} sit above every layer; src/ and jobs/ never import them.`,
      from: { path: '^(src|jobs)/' },
      to: { path: `^(${outsideLayers.join('|')})/` },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a circle: a module of the circle cannot be loaded or tested alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve would hide an arrow from these rules (and fail at run time).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Name packages node_modules/<name> however the install is linked (a worktree's node_modules is a symlink).
    preserveSymlinks: true,
    exclude: { path: '^(dist|coverage|reports)/' },
    // Type-only imports couple layers as much as value imports do: a csv module typed with BullMQ's Job is not
    // BullMQ-free.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      archi: { collapsePattern: '^(src/[^/]+|jobs|test|bench|node_modules/(@[^/]+/)?[^/]+)' },
      dot: { collapsePattern: '^(src/[^/]+|jobs|test|bench|node_modules/(@[^/]+/)?[^/]+)' },
    },
  },
};
