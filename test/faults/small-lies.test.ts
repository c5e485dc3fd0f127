import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../helpers/e2e.js';

let e: E2E;
afterEach(() => e.close());

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));

describe('small lies (issue 15.6)', () => {
  it('a NUL inside an id is not written raw into failures.csv, and the file re-imports to the same refusals', async () => {
    e = await startE2E('f-nul');
    const imp = await e.cli(['import', fixture('nul-in-id.csv'), '--batch', 'f-nul', '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ rows: 3, valid: 1, invalid: 2 });
    const out = join(e.dir, 'nul-report');
    expect((await e.cli(['report', 'f-nul', '--out', out])).code).toBe(0);
    const bytes = readFileSync(join(out, 'failures.csv'));
    expect(bytes.includes(0x00), 'a raw NUL').toBe(false);
    expect(bytes.includes(0x7f), 'a raw DEL').toBe(false);
    const text = bytes.toString('utf8');
    expect(text).toContain('AUSR-1000-\u24000000-0002');
    expect(text).toContain('UGR-1234-\u24215678');

    const again = await e.cli(['import', join(out, 'failures.csv'), '--batch', 'f-nul-again', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 2, valid: 0, invalid: 2 });
    const ids = async (batchId: string) => {
      const out: Array<[string, string, string]> = [];
      for await (const f of e.store.failures(batchId)) out.push([f.accountUserId, f.groupId, f.reason]);
      return out;
    };
    expect(await ids('f-nul-again')).toEqual(await ids('f-nul'));
  });

  it.each(['utf16le-no-bom.csv', 'utf16be-no-bom.csv'])('%s is refused in one line saying it looks like UTF-16', async (name) => {
    e = await startE2E('f-utf16');
    const imp = await e.cli(['import', fixture(name), '--batch', 'f-utf16']);
    expect(imp.code).toBe(1);
    expect(imp.stderr).toBe(`bulk-assign: ${name} line 1: not UTF-8 text (it looks like UTF-16); save the file as UTF-8\n`);
    expect(await e.store.getBatch('f-utf16')).toBeUndefined();
  });
});
