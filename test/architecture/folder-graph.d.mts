// Types for folder-graph.mjs (plain JavaScript so `npm run lint` runs it without a build).

/** One module of dependency-cruiser's JSON output, as far as the fold reads it. */
export interface CruisedModule {
  readonly source: string;
  readonly dependencies: ReadonlyArray<{ readonly resolved: string }>;
}

/** An arrow between two units, with one module-level import that makes it. */
export interface UnitEdge {
  readonly from: string;
  readonly to: string;
  readonly via: string;
}

/** The import graph with units (src/<folder>, a file directly in src/, jobs) as nodes. */
export interface UnitGraph {
  readonly units: readonly string[];
  readonly edges: readonly UnitEdge[];
}

export function foldToUnits(modules: readonly CruisedModule[]): { units: string[]; edges: UnitEdge[] };
export function checkFolderGraph(graph: UnitGraph): string[];

/** A graph whose arrows need not say which import makes them. */
export interface BareUnitGraph {
  readonly units: readonly string[];
  readonly edges: ReadonlyArray<Pick<UnitEdge, 'from' | 'to'>>;
}

export function unitCycles(graph: BareUnitGraph): string[][];
export function toMermaid(graph: BareUnitGraph): string;
export function readmeGraphProblem(readme: string, mermaid: string): string | undefined;
