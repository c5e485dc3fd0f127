import { readFileSync, readdirSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** One script as ioredis' defineCommand wants it. */
export interface LuaScript {
  /** The file name without its key count and extension: `recordOutcomes` for `recordOutcomes-5.lua`. */
  name: string;
  /** From the file name (BullMQ's `moveToFinished-14.lua` convention): KEYS[1..n], the rest is ARGV. */
  numberOfKeys: number;
  /** The file's text with every `--- @include "<name>"` replaced by `includes/<name>.lua`, each at most once. */
  lua: string;
}

const SCRIPT_FILE = /^([A-Za-z][A-Za-z0-9]*)-(\d+)\.lua$/;
const INCLUDE_LINE = /^--- @include "([A-Za-z0-9_-]+)"[ \t]*$/gm;

/**
 * Reads the `<name>-<keys>.lua` scripts of one folder, resolving includes from its `includes/` subfolder the way
 * BullMQ's loader does (a helper included twice, directly or through another helper, is inlined once). Called once
 * per family when its loader module is first imported: the files are never read again.
 */
export function readLuaScripts(dir: URL): Map<string, LuaScript> {
  const scripts = new Map<string, LuaScript>();
  for (const file of readdirSync(dir).sort()) {
    const m = SCRIPT_FILE.exec(file);
    if (!m) continue;
    const lua = resolveIncludes(readFileSync(new URL(file, dir), 'utf8'), new URL('includes/', dir), new Set(), file);
    scripts.set(m[1]!, { name: m[1]!, numberOfKeys: Number(m[2]), lua });
  }
  return scripts;
}

function resolveIncludes(text: string, includes: URL, seen: Set<string>, from: string): string {
  return text.replace(INCLUDE_LINE, (_line, name: string) => {
    if (seen.has(name)) return '';
    seen.add(name);
    let body: string;
    try {
      body = readFileSync(new URL(`${name}.lua`, includes), 'utf8');
    } catch (err) {
      throw new Error(`${from} includes "${name}", but there is no includes/${name}.lua`, { cause: err });
    }
    return resolveIncludes(body, includes, seen, `includes/${name}.lua`);
  });
}

/**
 * The script `name` of a family, checked against the key order its caller passes: a list that disagrees with the
 * file's key count would shift every KEYS/ARGV index of the call, so it fails at load rather than in Redis.
 */
export function scriptWithKeys(scripts: Map<string, LuaScript>, name: string, keyOrder: readonly string[]): LuaScript {
  const script = scripts.get(name);
  if (!script) throw new Error(`no Lua script ${name}-<keys>.lua`);
  if (script.numberOfKeys !== keyOrder.length) {
    throw new Error(`${name}-${script.numberOfKeys}.lua takes ${script.numberOfKeys} keys but its caller passes ${keyOrder.length} (${keyOrder.join(', ')})`);
  }
  return script;
}

type Command = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Defines `script` on the connection as `<commandPrefix><Name>` (once per connection) and returns the bound call;
 * ioredis sends EVALSHA and falls back to EVAL on a cold server (or after a restart).
 */
export function defineLuaCommand(redis: Redis, commandPrefix: string, script: LuaScript): Command {
  const command = `${commandPrefix}${script.name[0]!.toUpperCase()}${script.name.slice(1)}`;
  if (!(command in redis)) redis.defineCommand(command, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  return (redis as unknown as Record<string, Command>)[command]!.bind(redis);
}
