// The layer order of DESIGN.md as data: eslint.config.js, .dependency-cruiser.cjs and the folder-graph check all
// build their rules from this one table, so a new folder or a moved boundary is changed in one place.
// CommonJS because dependency-cruiser loads its configuration with require().
'use strict';

/**
 * Layers, lowest first. A unit (a folder under src/, a file directly in src/, or jobs/) may import units of its own
 * layer or of a lower one, never of a higher one.
 * @type {ReadonlyArray<{ readonly name: string, readonly units: readonly string[] }>}
 */
const layers = Object.freeze([
  { name: 'foundation', units: ['src/config', 'src/log', 'src/errors.ts', 'src/safe-id.ts'] },
  { name: 'adapters', units: ['src/csv', 'src/s1', 'src/sim'] },
  { name: 'queue', units: ['src/queue'] },
  { name: 'batch services', units: ['src/report', 'src/schedule', 'src/notify'] },
  { name: 'jobs', units: ['jobs'] },
  { name: 'worker', units: ['src/worker'] },
  { name: 'faces', units: ['src/cli', 'src/console'] },
]);

/** Folders outside the layers: they may import anything, and nothing in a layer may import them. */
const outsideLayers = Object.freeze(['test', 'bench']);

/** Units that know nothing of BullMQ or Redis: they are usable (and testable) without either. */
const bullmqFreeUnits = Object.freeze(['src/csv', 'src/s1', 'src/sim']);

/** Packages the BullMQ-free units must not import. */
const bullmqPackages = Object.freeze(['bullmq', 'ioredis']);

/** The only unit that may end the process: everything else returns or throws, so close() always runs. */
const exitUnits = Object.freeze(['src/cli']);

/** The order in one line, for messages. */
const layerOrder = layers.map((layer) => layer.units.map(shortName).join('/')).join(' -> ');

/** `src/queue` -> `queue`, `src/errors.ts` -> `errors`, `jobs` -> `jobs`. */
function shortName(unit) {
  return unit.replace(/^src\//, '').replace(/\.ts$/, '');
}

/**
 * The unit a repository-relative path belongs to, or undefined for paths outside src/ and jobs/
 * (test/, bench/, node_modules, ...). A path in a src/ folder that is not in the table still gets its unit,
 * so the folder-graph check can say that the folder has no layer.
 * @param {string} path
 * @returns {string | undefined}
 */
function unitOf(path) {
  const parts = path.replace(/\\/g, '/').replace(/^\.\//, '').split('/');
  if (parts[0] === 'jobs' && parts.length > 1) return 'jobs';
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return `src/${parts[1]}`;
}

/**
 * Index of the unit's layer in `layers`, or -1 when the table does not place it.
 * @param {string} unit
 */
function layerIndexOf(unit) {
  return layers.findIndex((layer) => layer.units.includes(unit));
}

/** A regular expression source matching repository-relative paths inside the unit. */
function unitPathPattern(unit) {
  const escaped = unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return unit.endsWith('.ts') ? `^${escaped}$` : `^${escaped}/`;
}

/** Where the rules are explained. */
const readmeSection = "README 'Layers and the rules that hold them'";

module.exports = {
  layers,
  outsideLayers,
  bullmqFreeUnits,
  bullmqPackages,
  exitUnits,
  layerOrder,
  readmeSection,
  shortName,
  unitOf,
  layerIndexOf,
  unitPathPattern,
};
