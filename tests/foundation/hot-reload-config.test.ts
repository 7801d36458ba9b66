/**
 * Config hot reload through the file watcher (never `gw.reload()`): new providers and combo
 * changes apply without a restart; a syntax error or an invalid value keeps the old config
 * serving and is reported with file:line:col in /api/health; a fixed file clears it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, health, postChat, waitUntil } from './foundation-kit.ts';

let up: MockOpenAI;
let t: TestGateway;
let configFile: string;

const provider = (name: string) => `  ${name}: { type: openai, base_url: ${up.url}, keys: [sk-test-${name}-000000], allow_private_network: true }`;

function config(opts: { providers: string[]; combo: string }): string {
  return [
    'providers:',
    ...opts.providers.map(provider),
    'combos:',
    `  team: { strategy: fill-first, models: [${opts.combo}] }`,
    '',
  ].join('\n');
}

/** Writes the file in place, as an editor would, and lets the watcher find it. */
function write(text: string): void {
  writeFileSync(configFile, text);
}

/** The model the upstream saw on the last request. */
const lastUpstreamModel = () => (up.requests.at(-1)?.body as { model?: string } | undefined)?.model;

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(config({ providers: ['alpha'], combo: 'alpha/model-one' }));
  configFile = join(t.dataDir, 'switchyard.yaml');
});

afterAll(async () => {
  await t.stop();
  await up.stop();
});

describe('config hot reload (watcher)', () => {
  test('a provider added to the YAML serves without a restart', async () => {
    const gen0 = (await health(t.url)).config.generation;
    expect((await postChat(t.url, t.key, chatBody('beta/gpt-4o'))).status).toBe(404);

    write(config({ providers: ['alpha', 'beta'], combo: 'alpha/model-one' }));
    const res = await waitUntil(async () => {
      const r = await postChat(t.url, t.key, chatBody('beta/gpt-4o', 'after reload'));
      return r.status === 200 ? r : undefined;
    }, 3000, 'provider beta to serve');
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0].message.content).toBe('after reload');
    expect(up.requests.at(-1)?.headers.authorization).toBe('Bearer sk-test-beta-000000');
    const h = await health(t.url);
    expect(h.config.generation).toBeGreaterThan(gen0);
    expect(h.providers.map((p) => p.name).sort()).toEqual(['alpha', 'beta']);
    // Whoever edited the file reads that it was taken, and what it changed.
    t.gw.log.flush();
    const log = readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8');
    expect(log).toMatch(/"config reloaded \(generation \d+\): providers added: beta"/);
  });

  test('a changed combo routes to its new target', async () => {
    expect((await postChat(t.url, t.key, chatBody('team'))).status).toBe(200);
    expect(lastUpstreamModel()).toBe('model-one');

    write(config({ providers: ['alpha', 'beta'], combo: 'beta/model-two' }));
    await waitUntil(async () => {
      const r = await postChat(t.url, t.key, chatBody('team'));
      return r.status === 200 && lastUpstreamModel() === 'model-two';
    }, 3000, 'combo team to route to beta/model-two');
    expect(up.requests.at(-1)?.headers.authorization).toBe('Bearer sk-test-beta-000000');
  });

  test('a YAML syntax error keeps the old config serving and is reported with line and column', async () => {
    const good = readFileSync(configFile, 'utf8');
    const gen = (await health(t.url)).config.generation;
    // Line 4 opens a flow mapping that never closes.
    write(`${good.split('\n').slice(0, 3).join('\n')}\n  gamma: { type: openai, base_url: ${up.url}\ncombos: {}\n`);

    const h = await waitUntil(async () => {
      const x = await health(t.url);
      return x.config.lastReloadError ? x : undefined;
    }, 3000, 'the syntax error in /api/health');
    expect(h.status).toBe('degraded');
    const err = h.config.lastReloadError!;
    expect(err.file).toBe(configFile);
    expect(err.line).toBeGreaterThanOrEqual(4);
    expect(err.line).toBeLessThanOrEqual(6);
    expect(err.col).toBeGreaterThanOrEqual(1);
    expect(err.message.length).toBeGreaterThan(0);
    expect(h.config.generation).toBe(gen);

    // The old config keeps serving: the combo still routes to beta/model-two.
    expect((await postChat(t.url, t.key, chatBody('team'))).status).toBe(200);
    expect(lastUpstreamModel()).toBe('model-two');

    // The log names the place the way editors link it.
    const logText = await waitUntil(() => {
      t.gw.log.flush();
      const text = readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8');
      return text.includes(`${configFile}:${err.line}:${err.col}`) ? text : undefined;
    }, 2000, 'file:line:col in the log file');
    expect(logText).toContain('config rejected');

    write(good);
    const fixed = await waitUntil(async () => {
      const x = await health(t.url);
      return x.config.lastReloadError === null ? x : undefined;
    }, 3000, 'the error to clear');
    expect(fixed.status).toBe('ok');
  });

  test('an invalid value keeps the old config serving, points at its line, and a fix clears it', async () => {
    const gen = (await health(t.url)).config.generation;
    const lines = config({ providers: ['alpha', 'beta'], combo: 'alpha/model-one' }).split('\n');
    // A well-formed file with one bad value: a port that is not a number, on line 2.
    write(['server:', '  port: not-a-port', ...lines].join('\n'));

    const h = await waitUntil(async () => {
      const x = await health(t.url);
      return x.config.lastReloadError ? x : undefined;
    }, 3000, 'the invalid value in /api/health');
    expect(h.status).toBe('degraded');
    const err = h.config.lastReloadError!;
    expect(err).toMatchObject({ file: configFile, line: 2, col: 9 });
    expect(err.message).toContain('port');
    expect(h.config.generation).toBe(gen);
    // Not applied: the combo change in the same file did not take effect either.
    expect((await postChat(t.url, t.key, chatBody('team'))).status).toBe(200);
    expect(lastUpstreamModel()).toBe('model-two');

    // An unknown combo target is a reference error, also located.
    write(config({ providers: ['alpha', 'beta'], combo: 'nope/model-x' }));
    await waitUntil(async () => (await health(t.url)).config.lastReloadError?.line === 5, 3000, 'the reference error at line 5');

    write(lines.join('\n'));
    const fixed = await waitUntil(async () => {
      const x = await health(t.url);
      return x.config.lastReloadError === null ? x : undefined;
    }, 3000, 'the error to clear');
    expect(fixed.status).toBe('ok');
    expect(fixed.config.generation).toBeGreaterThan(gen);
    await waitUntil(async () => {
      const r = await postChat(t.url, t.key, chatBody('team'));
      return r.status === 200 && lastUpstreamModel() === 'model-one';
    }, 3000, 'combo team back on alpha/model-one');
  });

  test('a save that leaves the text unchanged reloads nothing; putting back the serving text after a broken save clears the error', async () => {
    const serving = readFileSync(configFile, 'utf8');
    const gen = (await health(t.url)).config.generation;
    write(serving);
    await Bun.sleep(250); // the watcher's debounce is 30 ms
    expect((await health(t.url)).config.generation).toBe(gen);

    write(serving.replace('providers:', 'providers: [oops'));
    await waitUntil(async () => (await health(t.url)).config.lastReloadError ?? undefined, 3000, 'the syntax error');
    write(serving);
    const back = await waitUntil(async () => {
      const x = await health(t.url);
      return x.config.lastReloadError === null ? x : undefined;
    }, 3000, 'the error to clear');
    expect(back.config.generation).toBe(gen + 1);
  });

  test('two quick edits during a slow reload: the file as last written is what serves', async () => {
    // A plugin listed by path whose setup takes 400 ms makes every reload slow.
    writeFileSync(join(t.dataDir, 'slow.ts'), `export default { name: 'slow', kind: 'observer', apiVersion: 1,
      async setup(ctx) { await Bun.sleep(400); } };`);
    const base = readFileSync(configFile, 'utf8');
    const withSlow = (v: number) => `${base}\nplugins:\n  - ./slow.ts: { v: ${v} }\n`;
    write(withSlow(1));
    await waitUntil(async () => ((await health(t.url)).plugins.some((p: { name: string }) => p.name === 'slow') ? true : undefined), 5000, 'the slow plugin');
    write(withSlow(2));
    await Bun.sleep(150); // the v2 reload is under way (in its 400 ms setup)
    write(withSlow(1)); // back to the text that was serving when v2 began
    await Bun.sleep(1500);
    const slow = (t.gw.host.status() as Array<{ name: string; config?: unknown }>).find((p) => p.name === 'slow');
    expect(t.gw.config().plugins).toEqual([{ './slow.ts': { v: 1 } }]);
    expect(slow).toBeDefined();
    write(base);
  });
});
