import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layerTable from './test/architecture/layers.cjs';

const {
  layers,
  outsideLayers,
  bullmqFreeUnits,
  bullmqPackages,
  exitUnits,
  layerOrder,
  readmeSection,
  layerIndexOf,
} = layerTable;

const sourceFiles = '{ts,mts,cts,js,mjs,cjs}';

/** Globs for the files of a unit (a folder, or a single file directly in src/). */
function filesOf(unit) {
  return unit.endsWith('.ts') ? [unit] : [`${unit}/**/*.${sourceFiles}`];
}

/**
 * A relative specifier that reaches a folder named like the unit (`../queue/x.js`, `../../jobs/index.js`). ESLint
 * sees specifiers, not resolved paths, so this matches by folder name; .dependency-cruiser.cjs checks the resolved
 * graph and catches what a name cannot (dynamic imports, re-exports).
 */
function specifierReaching(unit) {
  const name = unit.split('/').pop().replace(/\.ts$/, '(?:\\.[cm]?[jt]s)?');
  return `^\\.{1,2}/(?:.*/)?${name}(?:/|$)`;
}

/** The import restrictions of one unit: no higher layer, no test/bench, and BullMQ where the unit is BullMQ-free. */
function importRestrictions(unit) {
  const index = layerIndexOf(unit);
  const layer = layers[index];
  const higher = layers.slice(index + 1).flatMap((above) => above.units.map((target) => ({ target, above })));
  const patterns = higher.map(({ target, above }) => ({
    regex: specifierReaching(target),
    caseSensitive: true,
    message:
      `Layer rule: ${unit} (layer "${layer.name}") must not import ${target} (higher layer "${above.name}"). ` +
      `Imports point down: ${layerOrder}. See ${readmeSection}.`,
  }));
  for (const folder of outsideLayers) {
    patterns.push({
      regex: specifierReaching(folder),
      caseSensitive: true,
      message: `Layer rule: ${unit} must not import ${folder}/: ${outsideLayers.join(' and ')} sit above every layer.`,
    });
  }
  if (bullmqFreeUnits.includes(unit)) {
    patterns.push({
      regex: `^(?:${bullmqPackages.join('|')})(?:/|$)`,
      message:
        `Layer rule: ${unit} knows nothing of BullMQ or Redis (${bullmqPackages.join(', ')}); src/queue and the ` +
        `layers above it use them. See ${readmeSection}.`,
    });
  }
  const paths = exitUnits.includes(unit) ? [] : ['process', 'node:process'].map(exitImport);
  return { files: filesOf(unit), rules: { 'no-restricted-imports': ['error', { patterns, paths }] } };
}

const exitMessage =
  `Only ${exitUnits.join(', ')} ends the process: return or throw an AppError instead, so every close() runs ` +
  `and the CLI picks the exit code. See ${readmeSection}.`;

function exitImport(name) {
  return { name, importNames: ['exit'], message: exitMessage };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Configuration and architecture scripts run by node itself (no build): CommonJS where a tool require()s them.
    files: ['**/*.cjs', 'test/architecture/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', module: 'writable', require: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The layers (test/architecture/layers.cjs): one no-restricted-imports entry per unit, so entries never override
  // each other. test/ and bench/ sit above the layers and may import anything.
  ...layers.flatMap((layer) => layer.units).map(importRestrictions),
  {
    // Small files, short functions (../shared/DESIGN.md; issue 11): a longer one says why in its disable comment,
    // `// eslint-disable-next-line max-lines-per-function -- <why>`, which ESLint shows with the rule.
    files: [`src/**/*.${sourceFiles}`, `jobs/**/*.${sourceFiles}`],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  {
    // bench/ is exempt: each bench script is its own program, and exits like one.
    files: [`src/**/*.${sourceFiles}`, `jobs/**/*.${sourceFiles}`, `test/**/*.${sourceFiles}`],
    ignores: exitUnits.map((unit) => `${unit}/**`),
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: exitMessage }],
    },
  },
);
