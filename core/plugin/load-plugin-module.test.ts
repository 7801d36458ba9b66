import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlugin, importBuiltPlugin, type PluginSource } from './load-plugin-module.ts';

const root = mkdtempSync(join(tmpdir(), 'sy-load-plugin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a bundle left half-written in the cache (kill -9 or a full disk mid-write) is written again, not imported', async () => {
  const file = join(root, 'half.ts');
  writeFileSync(file, `export default { name: 'half', kind: 'observer', apiVersion: 1, setup() {} };\n// ${'padding '.repeat(200)}\n`);
  const src: PluginSource = { origin: 'drop-in', file };
  const built = await buildPlugin(src);
  const cacheDir = join(root, 'cache');
  mkdirSync(cacheDir);
  // What a write cut short leaves under the content-hashed name: the first part of the code.
  writeFileSync(join(cacheDir, `half-${built.hash}.mjs`), built.code.slice(0, Math.floor(built.code.length / 3)));
  const loaded = await importBuiltPlugin(src, built, cacheDir);
  expect(loaded.plugin.name).toBe('half');
  // Written through a temp file renamed into place: nothing else is left in the folder.
  expect(readdirSync(cacheDir)).toEqual([`half-${built.hash}.mjs`]);
});
