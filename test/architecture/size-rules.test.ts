// Small files and short functions enforce themselves (issue 11): ESLint lints code given as text under a made-up
// path (no file written) with the project's own configuration, so `npm test`'s lint step fails on a violation.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function sizeMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'max-lines' || m.ruleId === 'max-lines-per-function').map((m) => `${m.ruleId}: ${m.message}`);
}

/** A function of `lines` lines in all (its first and last line included). */
function functionOf(lines: number): string {
  const body = Array.from({ length: lines - 4 }, (_, i) => `  total += ${i};`);
  return ['export function long(): number {', '  let total = 0;', ...body, '  return total;', '}'].join('\n') + '\n';
}

describe('size rules', () => {
  it('fails a source file over 300 lines', async () => {
    const code = Array.from({ length: 301 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    expect(await sizeMessages('src/csv/violation.ts', code)).toEqual([expect.stringContaining('max-lines: File has too many lines (301)')]);
    const fits = Array.from({ length: 300 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    expect(await sizeMessages('src/csv/fits.ts', fits)).toEqual([]);
  });

  it('fails a function over 80 lines in src/ and jobs/, and passes one that says why', async () => {
    expect(functionOf(81).split('\n').length - 1).toBe(81);
    expect(await sizeMessages('jobs/violation.ts', functionOf(81))).toEqual([expect.stringContaining("max-lines-per-function: Function 'long' has too many lines (81)")]);
    expect(await sizeMessages('src/queue/violation.ts', functionOf(81))).toHaveLength(1);
    expect(await sizeMessages('src/queue/fits.ts', functionOf(80))).toEqual([]);
    const withReason = `// eslint-disable-next-line max-lines-per-function -- one lock held across every step\n${functionOf(81)}`;
    expect(await sizeMessages('src/queue/reasoned.ts', withReason)).toEqual([]);
  });

  it('leaves tests and the bench alone: a long describe block or bench script is not a product file', async () => {
    expect(await sizeMessages('test/queue/long.test.ts', functionOf(120))).toEqual([]);
    expect(await sizeMessages('bench/scenarios/long.ts', functionOf(120))).toEqual([]);
  });
});
