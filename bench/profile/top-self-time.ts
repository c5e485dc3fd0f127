import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../lib/paths.js';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  share: number;
}

/** Where a function lives, shortened: `bullmq/.../job.js:291`, `dist/src/csv/read-records.js:27`, `node:buffer`. */
function where(url: string, line: number): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  const short = nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path.startsWith('/') ? relative(ROOT, path) : path;
  return `${short}:${line + 1}`;
}

/** The area a function belongs to: an npm package, a folder of this project, node's module loader, or a V8 bucket. */
function areaOf(functionName: string, url: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? path);
  }
  if (/^node:internal\/(modules|deps\/cjs-module-lexer)/.test(path)) return 'node: module loading';
  if (path.startsWith('node:')) return 'node: other';
  const rel = path.startsWith('/') ? relative(ROOT, path) : path;
  return rel.split('/').slice(0, 3).join('/');
}

/** Functions (and areas) by self time (time on top of the stack), summed over every sample of a `.cpuprofile`. */
export function topSelfTime(file: string, count = 20): { totalMs: number; top: HotSpot[]; areas: HotSpot[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const byName = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    const cf = nodes.get(id)?.callFrame;
    const name = cf ? `${cf.functionName || '(anonymous)'} ${where(cf.url, cf.lineNumber)}`.trim() : '(unknown)';
    const area = cf ? areaOf(cf.functionName, cf.url) : '(unknown)';
    byName.set(name, (byName.get(name) ?? 0) + us);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    total += us;
  });
  const rank = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: total > 0 ? us / total : 0 }));
  return { totalMs: total / 1000, top: rank(byName, count), areas: rank(byArea, 12) };
}

export function formatHotSpots(title: string, r: { totalMs: number; top: HotSpot[]; areas: HotSpot[] }): string {
  const fmt = (h: HotSpot) => `${h.selfMs.toFixed(0).padStart(7)} ms ${(100 * h.share).toFixed(1).padStart(5)}%  ${h.name}`;
  return [`${title} (${(r.totalMs / 1000).toFixed(1)} s sampled)`, '  by area:', ...r.areas.map(fmt), '  by function:', ...r.top.map(fmt)].join('\n');
}

// `node dist/bench/profile/top-self-time.js <file.cpuprofile> [count]`
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: top-self-time <file.cpuprofile> [count]');
  console.log(formatHotSpots(file, topSelfTime(file, Number(count ?? 20))));
}
