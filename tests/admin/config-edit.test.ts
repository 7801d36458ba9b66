import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startAdminGateway, type AdminGateway } from './admin-kit.ts';

const CONFIG = `# Switchyard test config
server:
  host: 127.0.0.1            # local only
  cors_origins: []           # closed

# ── providers ──
providers:
  mock:                      # the local mock
    type: mock
    models: [echo, tools]

aliases:
  fast: mock/echo   # quick one

plugins:
  - api-key
`;

let t: AdminGateway;
const file = () => t.gw.configFile;
const text = () => readFileSync(file(), 'utf8');

beforeAll(async () => {
  t = await startAdminGateway(CONFIG);
});
afterAll(() => t.stop());

const chat = (model: string) => t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content: 'hello there' }] } });

describe('config edits keep the file', () => {
  test('adding a provider and a combo changes only their lines; comments and order stay', async () => {
    const before = text();
    const add = await t.admin('/api/providers', { method: 'POST', json: { name: 'second', type: 'mock', models: ['echo'] } });
    expect(add.status).toBe(201);
    const added = await add.json();
    expect(added.provider).toMatchObject({ name: 'second', type: 'mock', status: 'active', enabled: true });
    expect(added.config.changed).toBe(true);
    const combo = await t.admin('/api/combos/duo', { method: 'PUT', json: { models: ['second/echo', 'mock/echo'], strategy: 'fill-first' } });
    expect(combo.status).toBe(201);
    const after = text();
    expect(after).toBe(before
      .replace('    models: [echo, tools]\n', '    models: [echo, tools]\n  second:\n    type: mock\n    models:\n      - echo\n')
      .concat('combos:\n  duo:\n    strategy: fill-first\n    models:\n      - second/echo\n      - mock/echo\n'));
  });

  test('the gateway routes through the new combo and provider', async () => {
    const res = await chat('duo');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.choices[0].message.content).toContain('hello there');
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1, { model: 'duo' })[0]!;
    expect(row.provider).toBe('second');
  });

  test('reordering a combo moves its first target', async () => {
    const res = await t.admin('/api/combos/duo', { method: 'PATCH', json: { models: ['mock/echo', 'second/echo'] } });
    expect(res.status).toBe(200);
    expect(parse(text()).combos.duo.models).toEqual(['mock/echo', 'second/echo']);
    expect((await chat('duo')).status).toBe(200);
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1, { model: 'duo' })[0]!.provider).toBe('mock');
    const list = await (await t.admin('/api/combos')).json();
    const duo = list.combos.find((c: { name: string }) => c.name === 'duo');
    expect(duo.recent.map((r: { target: string }) => r.target).sort()).toEqual(['mock/echo', 'second/echo']);
  });

  test('glob aliases through the API, a slash in the glob included (URL-encoded)', async () => {
    expect((await t.admin('/api/aliases/claude-*', { method: 'PUT', json: { target: 'mock/echo' } })).status).toBe(200);
    expect((await t.admin(`/api/aliases/${encodeURIComponent('openai/*')}`, { method: 'PUT', json: { target: 'mock/echo' } })).status).toBe(200);
    expect(parse(text()).aliases).toMatchObject({ 'claude-*': 'mock/echo', 'openai/*': 'mock/echo' });
    expect((await chat('claude-3-5-haiku-20241022')).status).toBe(200);
    expect((await chat('openai/gpt-4o')).status).toBe(200);
    expect((await t.admin(`/api/aliases/${encodeURIComponent('openai/*')}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.admin('/api/aliases/claude-*', { method: 'DELETE' })).status).toBe(200);
    expect(parse(text()).aliases['claude-*']).toBeUndefined();
  });

  test('a combo or alias name the config refuses is a 400 naming the rule, not a 404', async () => {
    const before = text();
    const cases: Array<[string, RegExp]> = [
      [`/api/aliases/${encodeURIComponent('a/b')}`, /Alias name.*"\/"/],
      [`/api/aliases/${'a'.repeat(101)}`, /Alias name.*100 characters/],
      [`/api/combos/${encodeURIComponent('a/b')}`, /Combo name.*"\/"/],
      [`/api/combos/${encodeURIComponent('team-*')}`, /Combo name.*globs are for aliases/],
    ];
    for (const [path, message] of cases) {
      const json = path.includes('combos') ? { models: ['mock/echo'] } : { target: 'mock/echo' };
      const res = await t.admin(path, { method: 'PUT', json });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe('invalid_name');
      expect(body.error.param).toBe('name');
      expect(body.error.message).toMatch(message);
    }
    expect(text()).toBe(before);
  });

  test('a rejected edit answers 400 with file:line:col and changes nothing', async () => {
    const before = text();
    const gen = t.gw.host.current.generation;
    const res = await t.admin('/api/aliases/broken', { method: 'PUT', json: { target: 'nowhere/model' } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('config_rejected');
    expect(body.error.message).toMatch(/^switchyard\.yaml:\d+:\d+: aliases\.broken/);
    expect(body.error.location.line).toBeGreaterThan(0);
    expect(text()).toBe(before);
    expect(t.gw.host.current.generation).toBe(gen);
  });

  test('deleting a provider still used by a combo is rejected', async () => {
    const before = text();
    const res = await t.admin('/api/providers/second', { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(text()).toBe(before);
  });

  test('a custom provider needs a base URL unless its type builds one (bedrock from region, vertex from location)', async () => {
    const before = text();
    const noUrl = await t.admin('/api/providers', { method: 'POST', json: { name: 'plain', type: 'openai', models: ['m'] } });
    expect(noUrl.status).toBe(400);
    expect(((await noUrl.json()) as { error: { param: string } }).error.param).toBe('baseUrl');
    for (const type of ['bedrock', 'vertex']) {
      const res = await t.admin('/api/providers', { method: 'POST', json: { name: `cloud-${type}`, type, models: ['claude-sonnet-4-5'] } });
      expect(res.status).toBe(201);
      expect(parse(text()).providers[`cloud-${type}`]).toEqual({ type, models: ['claude-sonnet-4-5'] });
      expect((await t.admin(`/api/providers/cloud-${type}`, { method: 'DELETE' })).status).toBe(200);
    }
    expect(text()).toBe(before);
  });

  test('disable and enable a provider', async () => {
    expect((await t.admin('/api/combos/duo', { method: 'DELETE' })).status).toBe(200);
    const off = await (await t.admin('/api/providers/second/disable', { method: 'POST' })).json();
    expect(off.provider.status).toBe('disabled');
    expect(parse(text()).providers.second.enabled).toBe(false);
    expect((await chat('second/echo')).status).toBe(404);
    const on = await (await t.admin('/api/providers/second/enable', { method: 'POST' })).json();
    expect(on.provider.status).toBe('active');
    expect((await chat('second/echo')).status).toBe(200);
    expect((await t.admin('/api/providers/second', { method: 'DELETE' })).status).toBe(200);
    expect(text()).toBe(`${CONFIG}combos: {}\n`);
  });

  test('a provider key typed in the dashboard goes to the database, never to the YAML', async () => {
    const secret = 'sk-dashboard-secret-0123456789abcdef';
    const res = await t.admin('/api/providers', {
      method: 'POST', json: { name: 'keyed', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', allowPrivateNetwork: true, models: ['m'], apiKey: secret },
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(text()).not.toContain(secret);
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(body.provider.accounts).toEqual([{ id: 'dash-1', label: 'dash-1', source: 'dashboard', key: 'sk-…cdef', state: 'active' }]);
    const runtime = t.gw.host.current.providers.get('keyed')!;
    expect(runtime.accounts.find((a) => a.id === 'dash-1')?.secret).toBe(secret);
    expect((await t.admin('/api/providers/keyed', { method: 'DELETE' })).status).toBe(200);
    expect(t.gw.oauth.repo.list('keyed')).toEqual([]);
  });

  test('settings are written in place', async () => {
    const res = await t.admin('/api/settings', { method: 'PATCH', json: { server: { cors_origins: ['http://localhost:5173'] }, request: { deadline_ms: 120000 } } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.settings.server.cors_origins).toEqual(['http://localhost:5173']);
    expect(t.gw.config().request.deadline_ms).toBe(120000);
    expect(text()).toContain('  cors_origins: [ http://localhost:5173 ]           # closed\n');
  });

  test('settings say where the gateway listens when the port is overridden (the YAML port is not where it serves)', async () => {
    const body = await (await t.admin('/api/settings')).json();
    expect(body.server.port).toBe(t.gw.config().server.port);
    expect(body.listening).toEqual({ host: '127.0.0.1', port: t.gw.port, url: `http://127.0.0.1:${t.gw.port}` });
    expect(body.listening.port).not.toBe(body.server.port);
  });

  test('retention days: written as a sub-section, applied, and a usage window under a month refused', async () => {
    const before = await (await t.admin('/api/settings')).json();
    expect(before.logging.retention).toEqual({ usage_days: 0, bodies_days: 7 });
    const res = await t.admin('/api/settings', { method: 'PATCH', json: { logging: { retention: { usage_days: 90, bodies_days: 2 } } } });
    expect(res.status).toBe(200);
    expect((await res.json()).settings.logging.retention).toEqual({ usage_days: 90, bodies_days: 2 });
    expect(t.gw.config().logging.retention).toEqual({ usage_days: 90, bodies_days: 2 });
    expect(parse(text()).logging).toEqual({ retention: { usage_days: 90, bodies_days: 2 } });

    const bad = await t.admin('/api/settings', { method: 'PATCH', json: { logging: { retention: { usage_days: 10 } } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('at least 35');
    expect(t.gw.config().logging.retention.usage_days).toBe(90);
    expect(parse(text()).logging.retention.usage_days).toBe(90);
  });

  test('saving the whole settings form keeps ${ENV} references: only changed fields are written', async () => {
    const env = await startAdminGateway(`server:
  cors_origins: ["\${DASH_ORIGIN}"]
logging:
  level: "\${LOG_LEVEL:-info}"
request:
  deadline_ms: \${DEADLINE_MS}
providers:
  mock: { type: mock }
`, { env: { ...process.env, DASH_ORIGIN: 'https://dash.internal.example', DEADLINE_MS: '120000' } });
    try {
      const form = (await (await env.admin('/api/settings')).json()) as { server: object; auth: { require_key: boolean }; logging: object; request: object };
      const res = await env.admin('/api/settings', { method: 'PATCH', json: { ...form, server: { cors_origins: (form.server as { cors_origins: string[] }).cors_origins }, auth: { require_key: false } } });
      expect(res.status).toBe(200);
      const yaml = readFileSync(env.gw.configFile, 'utf8');
      expect(yaml).toContain('${DASH_ORIGIN}');
      expect(yaml).toContain('${LOG_LEVEL:-info}');
      expect(yaml).toContain('${DEADLINE_MS}');
      expect(yaml).not.toContain('dash.internal.example');
      expect(env.gw.config().auth.require_key).toBe(false);
    } finally {
      await env.stop();
    }
  });

  test('a section with nothing under it (only comments) takes an edit; YAML aliases are refused with 400, not 500', async () => {
    const env = await startAdminGateway(`providers:
  mock: { type: mock }
  other: &p2 { type: mock }
  third: *p2
aliases:
  # fast: mock/echo
combos:
  # team: { models: [mock/echo] }
`);
    try {
      const alias = await env.admin('/api/aliases/fast', { method: 'PUT', json: { target: 'mock/echo' } });
      expect(alias.status).toBeLessThan(300);
      expect(env.gw.config().aliases).toEqual({ fast: 'mock/echo' });
      const combo = await env.admin('/api/combos/team', { method: 'PUT', json: { models: ['mock/echo'] } });
      expect(combo.status).toBeLessThan(300);
      const aliased = await env.admin('/api/providers/third/disable', { method: 'POST' });
      expect(aliased.status).toBeLessThan(500);
    } finally {
      await env.stop();
    }
  });
});

describe('dashboard key labels share the account ids of their provider', () => {
  let c: AdminGateway;
  beforeAll(async () => {
    c = await startAdminGateway(`providers:
  team:
    type: mock
    models: [echo]
    keys: [sk-yaml-one]
    accounts:
      - { label: work, key: sk-yaml-two }
      - { key: sk-yaml-three }
      - { label: dash-1, key: sk-yaml-four }
`);
    c.gw.oauth.repo.save({ provider: 'team', accountId: 'me@example.com', label: 'me@example.com', secret: '{"access_token":"t"}', state: 'active', meta: { kind: 'oauth' } });
  });
  afterAll(() => c.stop());
  const addKey = (label?: string) => c.admin('/api/providers/team/keys', { method: 'POST', json: { apiKey: 'sk-dash-0123456789', ...(label ? { label } : {}) } });

  test('a label that is a config account id or an OAuth account is a 409, and nothing is stored', async () => {
    for (const [label, owner] of [['key-1', /config/], ['work', /config/], ['account-2', /config/], ['dash-1', /config/], ['me@example.com', /connected account/]] as const) {
      const res = await addKey(label);
      expect([label, res.status]).toEqual([label, 409]);
      const body = await res.json();
      expect(body.error.code).toBe('conflict');
      expect(body.error.param).toBe('label');
      expect(body.error.message).toMatch(owner);
    }
    expect(c.gw.oauth.repo.list('team').map((a) => [a.accountId, a.meta.kind])).toEqual([['me@example.com', 'oauth']]);
  });

  test('without a label the key gets the first dash-N no account uses; its own label can be replaced', async () => {
    const auto = await addKey();
    expect(auto.status).toBe(201);
    expect((await auto.json()).account.id).toBe('dash-2');
    expect((await addKey('dash-2')).status).toBe(201);
    expect(c.gw.oauth.repo.list('team').map((a) => a.accountId).sort()).toEqual(['dash-2', 'me@example.com']);
  });

  test('adding a provider whose key label would be its own key-1 is refused before the YAML is written', async () => {
    const before = readFileSync(c.gw.configFile, 'utf8');
    const res = await c.admin('/api/providers', { method: 'POST', json: { name: 'other', type: 'mock', keyEnv: 'OTHER_KEY', apiKey: 'sk-dash-0123456789', label: 'key-1' } });
    expect(res.status).toBe(409);
    expect(readFileSync(c.gw.configFile, 'utf8')).toBe(before);
  });
});
