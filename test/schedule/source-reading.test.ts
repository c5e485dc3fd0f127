import { once } from 'node:events';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepSourceCopy, type ScheduleDefinition } from '../../src/schedule/index.js';
import { tempDir } from '../helpers/test-env.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/schedule/', import.meta.url));
const CSV = readFileSync(join(FIXTURES, 'nightly.csv'), 'utf8');
const def = (source: string, extra: Partial<ScheduleDefinition> = {}): ScheduleDefinition => ({ v: 1, name: 's', source, mode: 'full', skipExisting: false, looseIds: false, ...extra });

let dir: string;
let server: Server;
let base: string;
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  dir = tempDir('sources');
  server = createServer((req, res) => {
    seen.push(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/export.csv') {
      if (req.headers['x-api-key'] !== 'k3y-VALUE' && req.headers.authorization !== 'Bearer s3cret-VALUE') {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv' }).end(CSV);
    } else if (path === '/slow.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('accountUserId,groupId\n'); // and never ends
    } else if (path === '/moved.csv') {
      res.writeHead(302, { location: '/export.csv' }).end();
    } else {
      res.writeHead(404).end('not here');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const dest = (name: string) => join(dir, 'copies', name, 'source.csv');

async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e as Error);
  expect(err, 'expected the source read to fail').toBeInstanceOf(Error);
  expect(err!.message).not.toContain('\n');
  return err!.message;
}

describe('schedule sources: one stable local copy per tick', () => {
  it('copies a file; an existing copy is reused as it is (a re-run tick reads the same bytes)', async () => {
    const src = join(dir, 'in.csv');
    writeFileSync(src, CSV);
    const first = await keepSourceCopy(def(src), { dest: dest('file') });
    expect(first).toMatchObject({ path: dest('file'), origin: src, reused: false });
    expect(readFileSync(first.path, 'utf8')).toBe(CSV);
    writeFileSync(src, 'accountUserId,groupId\n');
    const again = await keepSourceCopy(def(src), { dest: dest('file') });
    expect(again.reused).toBe(true);
    expect(readFileSync(again.path, 'utf8')).toBe(CSV);
  });

  it('takes the newest *.csv of a directory, ignoring hidden files and other extensions', async () => {
    const drop = join(dir, 'drop');
    mkdirSync(drop);
    const at = (name: string, content: string, secondsAgo: number) => {
      writeFileSync(join(drop, name), content);
      const t = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(join(drop, name), t, t);
    };
    at('old.csv', 'old', 300);
    at('new.CSV', CSV, 100);
    at('.partial.csv', 'hidden', 1);
    at('newest.txt', 'not csv', 1);
    const copy = await keepSourceCopy(def(drop), { dest: dest('dir') });
    expect(copy.origin).toBe(join(drop, 'new.CSV'));
    expect(readFileSync(copy.path, 'utf8')).toBe(CSV);
  });

  it('a missing file, a folder without CSV files: one-line reasons naming the source, no copy left', async () => {
    expect(await failure(keepSourceCopy(def(join(dir, 'nope.csv')), { dest: dest('missing') }))).toBe(`source ${join(dir, 'nope.csv')}: no such file or directory`);
    const emptyDir = join(dir, 'empty-drop');
    mkdirSync(emptyDir);
    expect(await failure(keepSourceCopy(def(emptyDir), { dest: dest('nocsv') }))).toBe(`source ${emptyDir}: no *.csv file in the directory`);
  });

  it('downloads a URL with the header taken from the named environment variable', async () => {
    const copy = await keepSourceCopy(def(`${base}/export.csv?sig=abc`, { headerEnv: 'SYNC_AUTH' }), { dest: dest('url'), env: { SYNC_AUTH: 'Bearer s3cret-VALUE' } });
    expect(readFileSync(copy.path, 'utf8')).toBe(CSV);
    expect(copy.origin).toBe(`${base}/export.csv?…`);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer s3cret-VALUE');
    await keepSourceCopy(def(`${base}/export.csv`, { headerEnv: 'SYNC_KEY', headerName: 'X-Api-Key' }), { dest: dest('url2'), env: { SYNC_KEY: 'k3y-VALUE' } });
    expect(seen.at(-1)!.headers['x-api-key']).toBe('k3y-VALUE');
  });

  it('HTTP errors, redirects, an unset variable and a stalled download fail with reasons that never hold the secret', async () => {
    const env = { SYNC_AUTH: 'Bearer wrong-VALUE' };
    const m401 = await failure(keepSourceCopy(def(`${base}/export.csv`, { headerEnv: 'SYNC_AUTH' }), { dest: dest('401'), env }));
    expect(m401).toBe(`source ${base}/export.csv: HTTP 401 (check the variable named by --header-env)`);
    expect(m401).not.toContain('wrong-VALUE');
    expect(await failure(keepSourceCopy(def(`${base}/gone.csv`), { dest: dest('404') }))).toBe(`source ${base}/gone.csv: HTTP 404`);
    expect(await failure(keepSourceCopy(def(`${base}/moved.csv`), { dest: dest('302') }))).toMatch(/HTTP 302 \(redirects are not followed/);
    expect(await failure(keepSourceCopy(def(`${base}/export.csv`, { headerEnv: 'SYNC_AUTH' }), { dest: dest('unset'), env: {} }))).toBe(`source ${base}/export.csv: environment variable SYNC_AUTH (--header-env) is not set in this worker`);
    expect(await failure(keepSourceCopy(def(`${base}/slow.csv`), { dest: dest('slow'), timeoutMs: 300 }))).toBe(`source ${base}/slow.csv: no complete answer within 300 ms`);
    expect(await failure(keepSourceCopy(def('http://127.0.0.1:1/x.csv'), { dest: dest('refused') }))).toMatch(/^source http:\/\/127\.0\.0\.1:1\/x\.csv: ECONNREFUSED/);
  });
});
