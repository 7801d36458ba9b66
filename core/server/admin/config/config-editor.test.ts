/**
 * The config editor against a running gateway whose config watcher is on: one save is one
 * reload, even when the reload outlasts the watcher's debounce, and a hand edit made while the
 * editor's reload runs is still picked up.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../../server/start-gateway.ts';
import { createConfigEditor, type ConfigEditor } from './config-editor.ts';

const DEBOUNCE_MS = 20;
/** Longer than the debounce: the watcher fires while the editor's own reload is still running. */
const SETUP_MS = 250;

const CONFIG = `providers:
  mock:
    type: mock
    models: [echo]
plugins:
  - ./slow.ts: { v: 1 }
`;

/** An edit of the slow plugin's options, so the reload sets it up again (and is slow). */
const SET_V2 = { op: 'set', path: ['plugins', 0, './slow.ts', 'v'], value: 2 } as const;

let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

async function start(): Promise<{ gw: RunningGateway; editor: ConfigEditor; reloads: () => number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-config-editor-'));
  const configFile = join(dataDir, 'switchyard.yaml');
  writeFileSync(join(dataDir, 'slow.ts'), `export default { name: 'slow', kind: 'observer', apiVersion: 1,
    async setup() { await Bun.sleep(${SETUP_MS}); } };`);
  writeFileSync(configFile, CONFIG);
  const gw = await startGateway({ dataDir, configFile, port: 0, host: '127.0.0.1', console: false, watchDebounceMs: DEBOUNCE_MS });
  stops.push(async () => {
    await gw.stop(0);
    rmSync(dataDir, { recursive: true, force: true });
  });
  let reloads = 0;
  gw.bus.on('config:reloaded', () => void reloads++);
  const editor = createConfigEditor({
    configFile, env: {}, log: gw.log,
    reload: () => gw.reload(),
    generation: () => gw.host.current.generation,
    pluginErrors: () => [],
  });
  return { gw, editor, reloads: () => reloads };
}

/** Long enough for a watcher-triggered reload (debounce + slow setup) to have finished. */
const settle = () => Bun.sleep(DEBOUNCE_MS + 3 * SETUP_MS);

describe('config editor with the watcher on', () => {
  test('one save is one reload: the watcher does not reload the text the editor just loaded', async () => {
    const { gw, editor, reloads } = await start();
    const gen = gw.host.current.generation;
    const out = await editor.edit(() => [SET_V2]);
    expect(out).toMatchObject({ ok: true, changed: true, generation: gen + 1 });
    await settle();
    expect(reloads()).toBe(1);
    expect(gw.host.current.generation).toBe(gen + 1);
    expect(gw.config().plugins).toEqual([{ './slow.ts': { v: 2 } }]);
  });

  test('a hand edit made while the editor\'s reload runs is picked up', async () => {
    const { gw, editor, reloads } = await start();
    const saved = editor.edit(() => [SET_V2]);
    await Bun.sleep(DEBOUNCE_MS * 3); // the editor has written and its reload is in the plugin's setup
    const edited = readFileSync(gw.configFile, 'utf8');
    expect(edited).toContain('v: 2');
    writeFileSync(gw.configFile, `${edited}aliases:\n  fast: mock/echo\n`);
    expect(await saved).toMatchObject({ ok: true, changed: true });
    await settle();
    expect(gw.config().aliases).toEqual({ fast: 'mock/echo' });
    expect(gw.config().plugins).toEqual([{ './slow.ts': { v: 2 } }]);
    expect(reloads()).toBe(2);
  });
});
