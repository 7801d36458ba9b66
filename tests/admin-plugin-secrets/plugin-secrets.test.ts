/**
 * Plugin configs in the admin API: the views (`/api/plugins`, `/api/plugins/:name`,
 * `/api/settings`) never show a literal secret, and the dashboard's save of a whole view
 * (`PUT /api/plugins/:name/config`, masks included) keeps the secrets: in the YAML file, in the
 * running config and in what the plugins really send (the alert webhook's URL and headers, the
 * OTLP exporter's headers, the drop-in's config). A mask that masks nothing saved is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AdminGateway } from '../admin/admin-kit.ts';
import { canariesIn, CANARY, dropInConfig, lostFromYaml, startReceiver, startSecretsGateway, type Receiver } from './plugin-secrets-kit.ts';

type Obj = Record<string, unknown>;

let hook: Receiver;
let otel: Receiver;
let t: AdminGateway;

beforeAll(async () => {
  hook = startReceiver();
  otel = startReceiver();
  t = await startSecretsGateway(hook, otel);
});
afterAll(async () => {
  await t?.stop();
  hook?.stop();
  otel?.stop();
});

const fileText = () => readFileSync(t.gw.configFile, 'utf8');
/** The config of one plugin as the dashboard's form loads it. */
async function shown(name: string): Promise<Obj> {
  const res = await t.admin(`/api/plugins/${name}`);
  expect(res.status).toBe(200);
  const config = (await res.json() as { config: Obj }).config;
  expect([name, canariesIn(JSON.stringify(config))]).toEqual([name, []]);
  return config;
}
/** What the form sends on save. */
async function save(name: string, config: Obj): Promise<Response> {
  return t.admin(`/api/plugins/${name}/config`, { method: 'PUT', json: { config } });
}
async function saved(name: string, config: Obj): Promise<{ changed: boolean }> {
  const res = await save(name, config);
  const text = await res.text();
  expect([name, res.status, canariesIn(text)]).toEqual([name, 200, []]);
  return (JSON.parse(text) as { config: { changed: boolean } }).config;
}
/** One plugin's entry in the running config (`${ENV}` expanded). */
function running(name: string): Obj {
  const entry = t.gw.config().plugins.find((e) => typeof e === 'object' && name in e) as Record<string, Obj>;
  return entry[name]!;
}
/** An alert from the running alerts plugin: a config file that fails to load, then the good one back. */
async function fireAlert() {
  const from = hook.got.length;
  const good = fileText();
  writeFileSync(t.gw.configFile, `${good}\nrequest: { deadline_ms: -5 }\n`);
  expect(await t.gw.reload()).toBeDefined();
  writeFileSync(t.gw.configFile, good);
  expect(await t.gw.reload()).toBeUndefined();
  return hook.next(from);
}
const HOOK_PATH = `/services/${CANARY.hookTeamId}/B0CANARY/${CANARY.hookPathToken}?token=${CANARY.hookQueryToken}`;

describe('plugin secrets in the admin API', () => {
  test('no view shows a secret; ${ENV} references are shown as written', async () => {
    const answers: Array<[string, string]> = [];
    for (const path of ['/api/plugins', '/api/plugins/alerts', '/api/plugins/otel', '/api/plugins/canary-drop', '/api/plugins/system-prompt', '/api/settings', '/api/overview', '/api/health']) {
      answers.push([path, await (await t.admin(path)).text()]);
    }
    expect(answers.flatMap(([path, text]) => canariesIn(text).map((c) => `${path}: ${c}`))).toEqual([]);

    expect(await shown('alerts')).toMatchObject({
      url: `${hook.origin}/***`,
      headers: { 'x-hook-token': '***ue04', 'X-Team': '***', 'x-from-env': '${HOOK_ENV_SECRET}' },
    });
    expect(await shown('otel')).toMatchObject({ endpoint: '${OTEL_ENDPOINT}', headers: { authorization: 'Bearer ***0006', 'x-honeycomb-team': '***' } });
    expect(await shown('canary-drop')).toEqual({ api_key: '***0008', token: '***', upstream: 'http://relay:***@127.0.0.1:9/v1?api_key=***&region=eu', note: 'plain' });
    const settings = await (await t.admin('/api/settings')).json() as { plugins: Record<string, { config: Obj }> };
    expect(settings.plugins['system-prompt']!.config).toEqual({ rules: [{ text: 'Docs live at http://bot:***@docs.internal/wiki' }] });
  });

  test('every view saved back unchanged keeps the file byte for byte (a `${ENV}` URL is checked as it expands)', async () => {
    const before = fileText();
    for (const name of ['alerts', 'otel', 'canary-drop', 'system-prompt']) {
      expect([name, (await saved(name, await shown(name))).changed]).toEqual([name, false]);
    }
    expect(fileText()).toBe(before);
    expect(lostFromYaml(t)).toEqual([]);
  });

  test('changing one field keeps the others: in the file, the running config and what the plugins send', async () => {
    expect((await saved('alerts', { ...await shown('alerts'), format: 'json' })).changed).toBe(true);
    expect((await saved('otel', { ...await shown('otel'), service_name: 'canary-svc' })).changed).toBe(true);
    expect((await saved('canary-drop', { ...await shown('canary-drop'), note: 'edited' })).changed).toBe(true);
    const prompt = await shown('system-prompt') as { rules: Obj[] };
    expect((await saved('system-prompt', { rules: [{ ...prompt.rules[0], mode: 'append' }] })).changed).toBe(true);
    expect(lostFromYaml(t)).toEqual([]);
    expect(fileText()).toContain('# alerts go to the team channel');

    expect(running('alerts')).toMatchObject({ format: 'json', headers: { 'x-hook-token': CANARY.hookHeader, 'x-from-env': CANARY.fromEnv } });
    expect(dropInConfig()).toEqual({ api_key: CANARY.dropApiKey, token: CANARY.dropToken, upstream: `http://relay:${CANARY.dropUrlPassword}@127.0.0.1:9/v1?api_key=${CANARY.dropQueryKey}&region=eu`, note: 'edited' });
    expect(running('system-prompt')).toEqual({ rules: [{ text: `Docs live at http://bot:${CANARY.promptPassword}@docs.internal/wiki`, mode: 'append' }] });

    const alert = await fireAlert();
    expect(alert.path).toBe(HOOK_PATH);
    expect(alert.headers).toMatchObject({ 'x-hook-token': CANARY.hookHeader, 'x-team': CANARY.hookTeamHeader, 'x-from-env': CANARY.fromEnv });
    expect(JSON.parse(alert.body)).toMatchObject({ event: 'config:rejected' });

    const from = otel.got.length;
    expect((await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } })).status).toBe(200);
    const exported = await otel.next(from, (r) => r.body.includes('canary-svc'));
    expect(exported.headers).toMatchObject({ authorization: `Bearer ${CANARY.otelAuth}`, 'x-honeycomb-team': CANARY.otelTeam });
  });

  test('a new secret replaces the saved one; a field left out is removed', async () => {
    const alerts = await shown('alerts') as Obj & { headers: Record<string, string> };
    const { 'X-Team': _team, ...headers } = alerts.headers;
    await saved('alerts', { ...alerts, headers: { ...headers, 'x-hook-token': 'replaced-hook-header-value' } });
    const { token: _token, ...drop } = await shown('canary-drop');
    await saved('canary-drop', { ...drop, api_key: 'replaced-drop-api-key-value' });

    const text = fileText();
    for (const gone of [CANARY.hookHeader, CANARY.hookTeamHeader, CANARY.dropApiKey, CANARY.dropToken]) expect([gone, text.includes(gone)]).toEqual([gone, false]);
    for (const kept of [CANARY.hookPathToken, CANARY.hookQueryToken, CANARY.dropUrlPassword, CANARY.dropQueryKey]) expect([kept, text.includes(kept)]).toEqual([kept, true]);
    expect(dropInConfig()).toEqual({ api_key: 'replaced-drop-api-key-value', upstream: `http://relay:${CANARY.dropUrlPassword}@127.0.0.1:9/v1?api_key=${CANARY.dropQueryKey}&region=eu`, note: 'edited' });
    const alert = await fireAlert();
    expect(alert.path).toBe(HOOK_PATH);
    expect(alert.headers['x-hook-token']).toBe('replaced-hook-header-value');
    expect(alert.headers['x-team']).toBeUndefined();
  });

  test('a mask that masks nothing saved is refused, naming the field; nothing is written', async () => {
    const before = fileText();
    const alerts = await shown('alerts') as Obj & { headers: Record<string, string> };
    const drop = await shown('canary-drop');
    for (const [name, config, param] of [
      // `token` was removed above: its mask keeps nothing.
      ['canary-drop', { ...drop, token: '***' }, 'token'],
      ['alerts', { ...alerts, headers: { ...alerts.headers, 'X-Team': '***' } }, 'headers.X-Team'],
      // The webhook's secret path does not follow the host elsewhere.
      ['alerts', { ...alerts, url: 'https://attacker.example.com/***' }, 'url'],
      ['canary-drop', { ...drop, upstream: 'http://relay:***@attacker.example.com/v1' }, 'upstream'],
      // A masked query secret is kept only with its URL unchanged.
      ['canary-drop', { ...drop, upstream: 'https://attacker.example.com/v1?api_key=***&region=eu' }, 'upstream'],
    ] as const) {
      const res = await save(name, config);
      const body = await res.json() as { error: { code: string; param: string; message: string } };
      expect([name, param, res.status, body.error.code, body.error.param]).toEqual([name, param, 400, 'masked_secret', param]);
      expect(canariesIn(body.error.message)).toEqual([]);
    }
    expect(fileText()).toBe(before);
  });
});
