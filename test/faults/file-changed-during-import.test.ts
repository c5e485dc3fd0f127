import { appendFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { takeSnapshot } from '../../src/queue/import-snapshot.js';
import { collect, spawnCli, waitFor } from '../helpers/cli.js';
import { csvManyRows, csvRows, startE2E, type E2E } from '../helpers/e2e.js';
import { tempDir } from '../helpers/test-env.js';

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const ROWS = 60_000;
const GROUP_A = 'UGR-1111-0001';
const GROUP_B = 'UGR-2222-0002';


/**
 * Starts `import` of a large file and, once its batch exists in Redis (the import has copied and validated the
 * file and is enqueueing), does `change` to the file. Returns the import's exit code and output.
 */
async function importWhile(change: (file: string) => void, batchId: string) {
  const file = e!.file(`${batchId}.csv`, csvManyRows(ROWS, GROUP_A));
  const imp = spawnCli(['import', file, '--batch', batchId, '--json'], e!.env());
  const out = collect(imp);
  await waitFor('the batch to be created', async () => (await e!.store.getBatch(batchId)) !== undefined, 60_000, 20);
  change(file);
  const [code] = (await once(imp, 'close')) as [number];
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

/** The group of every job the import left in the queue (read straight from the job hashes). */
async function queuedGroups(batchId: string): Promise<Set<string>> {
  const keys = await e!.redis.keys(`${e!.prefix}:assign:${batchId}-*`);
  const groups = new Set<string>();
  for (const k of keys) {
    const data = await e!.redis.hget(k, 'data');
    if (data) groups.add((JSON.parse(data) as { g: string }).g);
  }
  return groups;
}

describe('the file changes while it is imported (15.2)', () => {
  it('replaced (renamed over) mid-import: the batch holds exactly the validated rows, all enqueued, none of the new file', { timeout: 120_000 }, async () => {
    e = await startE2E('f-swap');
    const res = await importWhile((file) => {
      const other = join(e!.dir, 'other.csv');
      writeFileSync(other, csvRows(10, GROUP_B));
      renameSync(other, file);
    }, 'swapped');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ batchId: 'swapped', rows: ROWS, enqueued: ROWS });
    expect(await e.store.getBatch('swapped')).toMatchObject({ rows: ROWS, state: 'running', pending: ROWS });
    expect(await queuedGroups('swapped')).toEqual(new Set([GROUP_A]));
  });

  it('deleted mid-import: the import still finishes from its copy, no ENOENT, no batch left importing', { timeout: 120_000 }, async () => {
    e = await startE2E('f-delete');
    const res = await importWhile((file) => unlinkSync(file), 'deleted');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/ENOENT/);
    expect(JSON.parse(res.stdout)).toMatchObject({ rows: ROWS, enqueued: ROWS });
    expect((await e.store.getBatch('deleted'))!.state).not.toBe('importing');
  });

  it('rewritten in place while it is copied: refused in one line, nothing created', async () => {
    const dir = tempDir('snapshot');
    const file = join(dir, 'growing.csv');
    writeFileSync(file, csvRows(100, GROUP_A));
    const err = await takeSnapshot(file, { afterCopy: async () => appendFileSync(file, 'AUSR-9999-0000-0001,UGR-9999-0001\n') }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('growing.csv changed while it was being read: nothing was queued; import it again once it is complete');
    // Untouched, the same file is taken: the copy has its bytes and its sha256.
    const ok = await takeSnapshot(file);
    try {
      expect(ok.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await ok.dispose();
    }
  });
});
