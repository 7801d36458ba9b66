import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startAdminGateway, type AdminGateway } from './admin-kit.ts';

let t: AdminGateway;
let home: string;
const KEY = 'sy-ToolsTestKey0123456789abcdefghijABCDEFGHIJ';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'switchyard-home-'));
  t = await startAdminGateway(undefined, { env: { ...process.env, SWITCHYARD_TOOLS_HOME: home } });
});
afterAll(async () => {
  await t.stop();
  rmSync(home, { recursive: true, force: true });
});

const apply = (tool: string, model = 'fast') => t.admin(`/api/tools/${tool}/apply`, { method: 'POST', json: { key: KEY, model } });

describe('CLI tools', () => {
  test('lists every tool with the gateway URL and a key placeholder', async () => {
    const body = await (await t.admin('/api/tools?model=fast')).json();
    expect(body.baseUrl).toBe(t.url);
    expect(body.tools.map((x: { id: string }) => x.id)).toEqual(['claude-code', 'codex', 'gemini-cli', 'cline', 'opencode', 'cursor', 'continue']);
    const claude = body.tools[0];
    expect(claude.env).toEqual({
      ANTHROPIC_BASE_URL: t.url, ANTHROPIC_AUTH_TOKEN: 'YOUR_SWITCHYARD_KEY', ANTHROPIC_MODEL: 'fast', ANTHROPIC_DEFAULT_HAIKU_MODEL: 'fast', ANTHROPIC_SMALL_FAST_MODEL: 'fast',
    });
    expect(body.tools.find((x: { id: string }) => x.id === 'cline').canApply).toBe(false);
  });

  test('Claude Code: merges the env block, keeps other settings, backs the old file up', async () => {
    const file = join(home, '.claude', 'settings.json');
    mkdirSync(join(home, '.claude'), { recursive: true });
    writeFileSync(file, JSON.stringify({ theme: 'dark', env: { KEEP_ME: '1' } }));
    const res = await apply('claude-code');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.file).toBe(file);
    expect(body.backup).toMatch(/settings\.json\.switchyard-backup-\d{14}$/);
    expect(JSON.parse(readFileSync(body.backup, 'utf8'))).toEqual({ theme: 'dark', env: { KEEP_ME: '1' } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      theme: 'dark',
      env: {
        KEEP_ME: '1', ANTHROPIC_BASE_URL: t.url, ANTHROPIC_AUTH_TOKEN: KEY, ANTHROPIC_MODEL: 'fast', ANTHROPIC_DEFAULT_HAIKU_MODEL: 'fast', ANTHROPIC_SMALL_FAST_MODEL: 'fast',
      },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test('Codex: top-level keys and the provider table, other tables kept', async () => {
    const file = join(home, '.codex', 'config.toml');
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(file, 'model = "o3"\napproval_policy = "on-request"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n');
    expect((await apply('codex', 'mock/echo')).status).toBe(200);
    expect(readFileSync(file, 'utf8')).toBe([
      'model_provider = "switchyard"',
      'model = "mock/echo"',
      'approval_policy = "on-request"',
      '',
      '[mcp_servers.docs]',
      'command = "docs-mcp"',
      '',
      '[model_providers.switchyard]',
      'name = "Switchyard"',
      `base_url = "${t.url}/v1"`,
      'wire_api = "responses"',
      `experimental_bearer_token = "${KEY}"`,
      '',
    ].join('\n'));
    expect((await apply('codex', 'fast')).status).toBe(200);
    const again = readFileSync(file, 'utf8');
    expect(again.match(/\[model_providers\.switchyard\]/g)).toHaveLength(1);
    expect(again).toContain('model = "fast"');
  });

  test('Gemini CLI, OpenCode and Continue files are created', async () => {
    expect((await apply('gemini-cli')).status).toBe(200);
    expect(readFileSync(join(home, '.gemini', '.env'), 'utf8')).toBe(`GEMINI_API_KEY=${KEY}\nGOOGLE_GEMINI_BASE_URL=${t.url}\nGEMINI_MODEL=fast\n`);
    expect((await apply('opencode')).status).toBe(200);
    const oc = JSON.parse(readFileSync(join(home, '.config', 'opencode', 'opencode.json'), 'utf8'));
    expect(oc.model).toBe('switchyard/fast');
    expect(oc.provider.switchyard.options).toEqual({ baseURL: `${t.url}/v1`, apiKey: KEY });
    const cfile = join(home, '.continue', 'config.yaml');
    mkdirSync(join(home, '.continue'), { recursive: true });
    writeFileSync(cfile, '# my continue\nname: mine\nmodels:\n  - name: Other\n    provider: ollama\n    model: llama3\n');
    const res = await (await apply('continue')).json();
    expect(existsSync(res.backup)).toBe(true);
    const text = readFileSync(cfile, 'utf8');
    expect(text.startsWith('# my continue\nname: mine\nmodels:\n  - name: Other\n')).toBe(true);
    expect(parse(text).models[1]).toMatchObject({ name: 'Switchyard', provider: 'openai', apiBase: `${t.url}/v1`, apiKey: KEY, model: 'fast' });
  });

  test('without a model, apply writes the one GET /api/tools shows by default (the first routed model)', async () => {
    const shown = (await (await t.admin('/api/tools')).json()).tools.find((x: { id: string }) => x.id === 'gemini-cli').env.GEMINI_MODEL;
    expect(shown).not.toBe('provider/model');
    const res = await t.admin('/api/tools/gemini-cli/apply', { method: 'POST', json: { key: KEY } });
    expect(res.status).toBe(200);
    expect(readFileSync(join(home, '.gemini', '.env'), 'utf8')).toContain(`GEMINI_MODEL=${shown}\n`);
  });

  test('tools without a config file, unknown tools and unsafe values are refused', async () => {
    expect((await apply('cursor')).status).toBe(400);
    expect((await apply('nope')).status).toBe(404);
    const bad = await t.admin('/api/tools/gemini-cli/apply', { method: 'POST', json: { key: `${KEY}\nEVIL=1`, model: 'fast' } });
    expect(bad.status).toBe(400);
  });
});
