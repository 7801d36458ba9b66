/**
 * Drop-in plugins, picked up by the `<data-dir>/plugins` watcher (never `gw.reload()`): a new
 * file loads (hook + admin route), an edit reloads it with fresh code, a plugin that throws in
 * setup or fails to build is isolated and shown in /api/health, and a hook that throws per
 * request is skipped (`failMode: open`) or fails the request with 503 in the client's dialect
 * (`failMode: closed`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayEvents } from '../../core/bus/events.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, health, postChat, waitUntil } from './foundation-kit.ts';

let up: MockOpenAI;
let t: TestGateway;
let pluginsDir: string;

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-up-000000], allow_private_network: true }
`);
  pluginsDir = join(t.dataDir, 'plugins');
});

afterAll(async () => {
  await t.stop();
  await up.stop();
});

/** A drop-in that tags responses with `x-tagger: <version>` and serves `GET /api/tagger/version`. */
function tagger(version: string, extra = ''): string {
  return `
const VERSION = ${JSON.stringify(version)};
export default {
  name: 'tagger', kind: 'observer', apiVersion: 1,
  setup(ctx) {
    ${extra}
    ctx.hook('beforeRequest', (req, call) => { call.responseHeaders.set('x-tagger', VERSION); });
    ctx.provide('api', { method: 'GET', path: '/api/tagger/version', handle: () => Response.json({ version: VERSION }) });
  },
};
`;
}

const admin = () => ({ authorization: `Bearer ${t.gw.adminToken}` });
const chat = (model = 'up/gpt-4o') => postChat(t.url, t.key, chatBody(model));

async function pluginState(name: string) {
  return (await health(t.url)).plugins.find((p) => p.name === name);
}

describe('drop-in plugins (watcher)', () => {
  test('a file dropped into the plugins folder loads: its hook and its admin route work', async () => {
    expect((await chat()).headers.get('x-tagger')).toBeNull();
    expect((await fetch(`${t.url}/api/tagger/version`, { headers: admin() })).status).toBe(404);

    writeFileSync(join(pluginsDir, 'tagger.ts'), tagger('v1'));
    const res = await waitUntil(async () => {
      const r = await chat();
      return r.headers.get('x-tagger') === 'v1' ? r : undefined;
    }, 5000, 'the tagger hook');
    expect(res.status).toBe(200);
    const api = await fetch(`${t.url}/api/tagger/version`, { headers: admin() });
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({ version: 'v1' });
    expect(await pluginState('tagger')).toMatchObject({ state: 'active', kind: 'observer', hooks: ['beforeRequest'] });
  });

  test('editing the file reloads it with the new code', async () => {
    writeFileSync(join(pluginsDir, 'tagger.ts'), tagger('v2'));
    await waitUntil(async () => (await chat()).headers.get('x-tagger') === 'v2', 5000, 'tagger v2');
    expect(await (await fetch(`${t.url}/api/tagger/version`, { headers: admin() })).json()).toEqual({ version: 'v2' });
  });

  test('an edit whose setup throws keeps the previous version serving and reports it', async () => {
    writeFileSync(join(pluginsDir, 'tagger.ts'), tagger('v3', "throw new Error('tagger v3 is broken');"));
    const st = await waitUntil(async () => {
      const p = await pluginState('tagger');
      return p?.state === 'errored' ? p : undefined;
    }, 5000, 'tagger errored in health');
    expect(st.error).toContain('tagger v3 is broken');
    expect(st.error).toContain('previous version still serving');
    expect((await health(t.url)).status).toBe('degraded');
    const r = await chat();
    expect(r.status).toBe(200);
    expect(r.headers.get('x-tagger')).toBe('v2');

    writeFileSync(join(pluginsDir, 'tagger.ts'), tagger('v4'));
    await waitUntil(async () => (await chat()).headers.get('x-tagger') === 'v4', 5000, 'tagger v4');
    await waitUntil(async () => (await health(t.url)).status === 'ok', 3000, 'health ok again');
  });

  test('a new plugin that throws in setup, or does not build, leaves the gateway serving', async () => {
    writeFileSync(join(pluginsDir, 'boom.ts'), `
export default { name: 'boom', kind: 'observer', apiVersion: 1, setup() { throw new Error('boom at setup'); } };
`);
    writeFileSync(join(pluginsDir, 'broken-syntax.ts'), 'export default { name: "broken-syntax", kind: ;;; \n');
    const h = await waitUntil(async () => {
      const x = await health(t.url);
      const names = x.plugins.filter((p) => p.state === 'errored').map((p) => p.name);
      return names.includes('boom') && names.includes('broken-syntax') ? x : undefined;
    }, 5000, 'both plugins errored in health');
    expect(h.status).toBe('degraded');
    expect(h.plugins.find((p) => p.name === 'boom')?.error).toContain('boom at setup');
    for (const p of h.plugins) expect(JSON.stringify(p)).not.toMatch(/\n\s+at /); // no stack traces

    const r = await chat();
    expect(r.status).toBe(200);
    expect(r.headers.get('x-tagger')).toBe('v4'); // the other drop-in is untouched

    rmSync(join(pluginsDir, 'boom.ts'));
    rmSync(join(pluginsDir, 'broken-syntax.ts'));
    const ok = await waitUntil(async () => {
      const x = await health(t.url);
      return x.status === 'ok' ? x : undefined;
    }, 5000, 'health ok after removing them');
    expect(ok.plugins.some((p) => p.name === 'boom')).toBe(false);
  });

  test('a hook that throws per request with failMode open is skipped: requests succeed', async () => {
    const errors: GatewayEvents['plugin:errored'][] = [];
    const off = t.gw.bus.on('plugin:errored', (e) => void errors.push(e));
    try {
      writeFileSync(join(pluginsDir, 'flaky.ts'), `
export default {
  name: 'flaky', kind: 'guard', apiVersion: 1, failMode: 'open',
  setup(ctx) {
    ctx.hook('beforeRequest', () => { throw new Error('flaky hook exploded'); });
  },
};
`);
      await waitUntil(async () => (await pluginState('flaky'))?.state === 'active', 5000, 'flaky loaded');
      for (let i = 0; i < 3; i++) {
        const r = await chat();
        expect(r.status).toBe(200);
        expect(((await r.json()) as { choices: unknown[] }).choices.length).toBe(1);
      }
      const hookErrors = errors.filter((e) => e.name === 'flaky' && e.phase === 'hook');
      expect(hookErrors.length).toBe(3);
      expect(hookErrors[0].error).toContain('flaky hook exploded');
    } finally {
      off();
      rmSync(join(pluginsDir, 'flaky.ts'), { force: true });
    }
    await waitUntil(async () => (await pluginState('flaky')) === undefined, 5000, 'flaky unloaded');
  });

  test('a hook that throws with failMode closed answers 503 in the client dialect', async () => {
    writeFileSync(join(pluginsDir, 'strict.ts'), `
export default {
  name: 'strict', kind: 'guard', apiVersion: 1, failMode: 'closed',
  setup(ctx) {
    ctx.hook('beforeRequest', () => { throw new Error('strict hook internal detail'); });
  },
};
`);
    await waitUntil(async () => (await pluginState('strict'))?.state === 'active', 5000, 'strict loaded');
    const before = up.requests.length;

    const oa = await chat();
    expect(oa.status).toBe(503);
    const oaBody = (await oa.json()) as { error: { message: string; type: string } };
    expect(typeof oaBody.error.message).toBe('string');
    expect(typeof oaBody.error.type).toBe('string');
    expect(JSON.stringify(oaBody)).not.toContain('strict hook internal detail');

    const an = await fetch(`${t.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': t.key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'up/gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(an.status).toBe(503);
    const anBody = (await an.json()) as { type: string; error: { type: string; message: string } };
    expect(anBody.type).toBe('error');
    expect(anBody.error.type).toBe('overloaded_error');
    expect(JSON.stringify(anBody)).not.toContain('strict hook internal detail');

    expect(up.requests.length).toBe(before); // nothing went upstream
    rmSync(join(pluginsDir, 'strict.ts'));
    await waitUntil(async () => (await chat()).status === 200, 5000, 'requests pass once strict is gone');
    // The same Anthropic request succeeds without the plugin: the 503 was the plugin's.
    const ok = await fetch(`${t.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': t.key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'up/gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(ok.status).toBe(200);
  });
});

/** A drop-in serving `GET /api/<route>/version` with the VERSION its helper exports. */
function helped(name: string, helperImport: string): string {
  return `
import { VERSION } from ${JSON.stringify(helperImport)};
export default {
  name: ${JSON.stringify(name)}, kind: 'observer', apiVersion: 1,
  setup(ctx) {
    ctx.provide('api', { method: 'GET', path: '/api/${name}/version', handle: () => Response.json({ version: VERSION }) });
  },
};
`;
}

const helper = (v: string) => `export const VERSION = ${JSON.stringify(v)};\n`;

async function versionOf(name: string): Promise<string | undefined> {
  const r = await fetch(`${t.url}/api/${name}/version`, { headers: admin() });
  return r.status === 200 ? ((await r.json()) as { version: string }).version : undefined;
}

describe('drop-in plugins: helpers and their imports (watcher)', () => {
  test('editing a helper file the plugin imports reloads the plugin; the helper is not a plugin', async () => {
    writeFileSync(join(pluginsDir, '_helper-ver.ts'), helper('h1'));
    writeFileSync(join(pluginsDir, 'helped.ts'), helped('helped', './_helper-ver.ts'));
    await waitUntil(async () => (await versionOf('helped')) === 'h1', 5000, 'helped h1');
    writeFileSync(join(pluginsDir, '_helper-ver.ts'), helper('h2'));
    await waitUntil(async () => (await versionOf('helped')) === 'h2', 5000, 'helped h2 after editing its helper');
    expect((await health(t.url)).plugins.filter((p) => p.name.includes('helper'))).toEqual([]);
  });

  test('a helper outside the plugins folder is watched too', async () => {
    const shared = join(t.dataDir, 'shared-code');
    mkdirSync(shared, { recursive: true });
    writeFileSync(join(shared, 'ver.ts'), helper('o1'));
    writeFileSync(join(pluginsDir, 'outside.ts'), helped('outside', '../shared-code/ver.ts'));
    await waitUntil(async () => (await versionOf('outside')) === 'o1', 5000, 'outside o1');
    writeFileSync(join(shared, 'ver.ts'), helper('o2'));
    await waitUntil(async () => (await versionOf('outside')) === 'o2', 5000, 'outside o2 after editing its helper');
  });

  test('a plugin folder appears, loads, and reloads when a file inside it changes', async () => {
    const dir = join(pluginsDir, 'foldered');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ver.ts'), helper('f1'));
    writeFileSync(join(dir, 'plugin.ts'), helped('foldered', './ver.ts'));
    await waitUntil(async () => (await versionOf('foldered')) === 'f1', 5000, 'foldered f1');
    writeFileSync(join(dir, 'ver.ts'), helper('f2'));
    await waitUntil(async () => (await versionOf('foldered')) === 'f2', 5000, 'foldered f2 after editing its helper');
    expect((await pluginState('foldered'))?.state).toBe('active');
  });

  test('a plugin listed by path in the config reloads when it or its import changes', async () => {
    const lib = join(t.dataDir, 'listed-lib');
    mkdirSync(lib, { recursive: true });
    writeFileSync(join(lib, 'ver.ts'), helper('l1'));
    writeFileSync(join(t.dataDir, 'listed.ts'), helped('listed', './listed-lib/ver.ts'));
    await t.writeConfig(`
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-up-000000], allow_private_network: true }
plugins:
  - ./listed.ts
`);
    expect(await versionOf('listed')).toBe('l1');
    writeFileSync(join(lib, 'ver.ts'), helper('l2'));
    await waitUntil(async () => (await versionOf('listed')) === 'l2', 5000, 'listed l2 after editing its import');
    writeFileSync(join(t.dataDir, 'listed.ts'), helped('listed', './listed-lib/ver.ts').replace('VERSION })', 'VERSION + "!" })'));
    await waitUntil(async () => (await versionOf('listed')) === 'l2!', 5000, 'listed edited');
  });
});
