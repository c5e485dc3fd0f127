import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '../helpers/test-env.js';

export type Verify = (rawBody: Buffer | string, signatureHeader: unknown, secret: string) => boolean;

/**
 * The signature check exactly as the README's Notifications section prints it: the first ```js block there is
 * written to a module and imported, so an example that stops working fails the tests.
 */
export async function readmeVerifier(): Promise<{ verify: Verify; source: string }> {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Notifications\n'));
  if (!section) throw new Error('README has no "## Notifications" section');
  const source = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!source) throw new Error('the README\'s Notifications section has no ```js example');
  const file = join(tempDir('readme-verify'), 'verify.mjs');
  writeFileSync(file, source);
  const mod = (await import(pathToFileURL(file).href)) as { verify?: Verify };
  if (typeof mod.verify !== 'function') throw new Error('the README example exports no verify()');
  return { verify: mod.verify, source };
}
