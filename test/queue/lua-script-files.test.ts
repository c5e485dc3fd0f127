import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLuaScripts } from '../../src/queue/lua-files.js';

const QUEUE_SRC = fileURLToPath(new URL('../../src/queue/', import.meta.url));
const FAMILIES = ['batch-scripts', 'limiter-scripts'];

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? luaFiles(join(dir, e.name)) : e.name.endsWith('.lua') ? [join(dir, e.name)] : []));
}

/** The opening `--[[ ... ]]` block, and the code after it. */
function split(text: string): { header: string; code: string } {
  const m = /^--\[\[([\s\S]*?)\]\]\n/.exec(text);
  return { header: m?.[1] ?? '', code: m ? text.slice(m[0].length) : text };
}

/** The highest literal index of KEYS[n] / ARGV[n] in a text (0 when none). */
const highest = (text: string, name: 'KEYS' | 'ARGV') => Math.max(0, ...[...text.matchAll(new RegExp(`${name}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1])));

/** Indexes documented in a header, one per line: `KEYS[2] ...`, `ARGV[7...] ...`. */
const documented = (header: string, name: 'KEYS' | 'ARGV') => new Set([...header.matchAll(new RegExp(`^\\s*${name}\\[(\\d+)(?:\\.\\.\\.)?\\]`, 'gm'))].map((m) => Number(m[1])));

describe('the Lua scripts as files', () => {
  const files = luaFiles(QUEUE_SRC);

  it('live in the two families, scripts named <name>-<keys>.lua and helpers under includes/', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) {
      const rel = relative(QUEUE_SRC, file);
      expect(rel, rel).toMatch(new RegExp(`^(${FAMILIES.join('|')})/(includes/[A-Za-z]+\\.lua|[A-Za-z]+-\\d+\\.lua)$`));
    }
  });

  it('document every KEYS[n] and ARGV[n] up to the highest each uses, and what they return', () => {
    for (const file of files) {
      const rel = relative(QUEUE_SRC, file);
      const { header, code } = split(readFileSync(file, 'utf8'));
      expect(header, `${rel} opens with a --[[ ]] comment block`).not.toBe('');
      if (rel.includes('/includes/')) continue;
      expect(header, `${rel} has a Returns: block`).toMatch(/^\s*Returns:/m);
      const keys = Number(/-(\d+)\.lua$/.exec(rel)![1]);
      expect(highest(code, 'KEYS'), `${rel} uses more keys than its name says`).toBeLessThanOrEqual(keys);
      for (const name of ['KEYS', 'ARGV'] as const) {
        const lines = documented(header, name);
        const upTo = name === 'KEYS' ? keys : highest(code, 'ARGV');
        for (let n = 1; n <= upTo; n++) expect(lines.has(n), `${rel} documents ${name}[${n}]`).toBe(true);
      }
    }
  });

  it('resolve every include, each helper inlined once, with the key count of the file name', () => {
    for (const family of FAMILIES) {
      const scripts = readLuaScripts(new URL(`../../src/queue/${family}/`, import.meta.url));
      const names = readdirSync(join(QUEUE_SRC, family)).filter((f) => f.endsWith('.lua'));
      expect([...scripts.keys()].sort()).toEqual(names.map((f) => f.replace(/-\d+\.lua$/, '')).sort());
      for (const [name, s] of scripts) {
        expect(s.lua, name).not.toMatch(/@include/);
        expect(names).toContain(`${name}-${s.numberOfKeys}.lua`);
        for (const fn of s.lua.matchAll(/^local function (\w+)/gm)) {
          expect(s.lua.split(`local function ${fn[1]}(`).length - 1, `${name}: ${fn[1]} defined once`).toBe(1);
        }
      }
    }
    // The helpers are really shared, not pasted: the accounting and limiter scripts pick them up from includes/.
    const batch = readLuaScripts(new URL('../../src/queue/batch-scripts/', import.meta.url));
    expect(batch.get('recordOutcomes')!.lua).toMatch(/local function checkDone[\s\S]*local function keepLikeBatch/);
    const limiter = readLuaScripts(new URL('../../src/queue/limiter-scripts/', import.meta.url));
    expect(limiter.get('acquireSlots')!.lua).toMatch(/local function used[\s\S]*local function restamp/);
  });
});
