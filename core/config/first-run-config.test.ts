import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFirstRunConfig, detectProviders, writeFirstRunConfig } from './first-run-config.ts';
import { loadConfig, parseConfig } from './load-config.ts';
import { loadPresets } from './presets.ts';

const root = mkdtempSync(join(tmpdir(), 'sy-first-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GROQ_SECRET = 'gsk_first_run_secret_value_123';

describe('writeFirstRunConfig', () => {
  test('detects GROQ_API_KEY and writes a ${GROQ_API_KEY} reference, mode 0600 in a 0700 folder', async () => {
    const file = join(root, 'data', 'nested', 'switchyard.yaml');
    const env = { GROQ_API_KEY: GROQ_SECRET, PATH: '/usr/bin' };
    const { detected } = writeFirstRunConfig(file, env);
    expect(detected).toEqual(['groq']);

    const text = readFileSync(file, 'utf8');
    expect(text).toContain('keys: ["${GROQ_API_KEY}"]');
    expect(text).not.toContain(GROQ_SECRET);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'data', 'nested')).mode & 0o777).toBe(0o700);

    const loaded = await loadConfig(file, env);
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(Object.keys(loaded.config.providers)).toEqual(['groq']);
    expect(loaded.config.providers.groq.preset).toBe('groq');
    expect(loaded.config.providers.groq.keys).toEqual([GROQ_SECRET]);
    expect(loaded.secrets).toEqual([GROQ_SECRET]);
  });

  test('refuses to overwrite an existing file', () => {
    const file = join(root, 'once.yaml');
    writeFirstRunConfig(file, {});
    expect(() => writeFirstRunConfig(file, { GROQ_API_KEY: 'x' })).toThrow();
    expect(readFileSync(file, 'utf8')).not.toContain('GROQ_API_KEY}"]');
  });
});

describe('buildFirstRunConfig', () => {
  test('with no key found: valid, no provider enabled, mock only as a comment', () => {
    const { text, detected } = buildFirstRunConfig({ HOME: '/root' });
    expect(detected).toEqual([]);
    const r = parseConfig(text, 'first.yaml', {});
    if (!r.ok) throw new Error(`${r.error.line}: ${r.error.message}`);
    expect(r.config.providers).toEqual({});
    expect(r.config.aliases).toEqual({});
    expect(r.config.plugins).toEqual([]);
    expect(text).toMatch(/^\s*#\s*mock:/m);
    expect(text).toMatch(/^\s*#\s+type: mock/m);
    expect(text).not.toMatch(/^\s+mock:/m);
  });

  test('what the README and the comments say to do parses: a provider added under providers:, the mock or the plugins uncommented', () => {
    const { text } = buildFirstRunConfig({ HOME: '/root' });
    const added = text.replace(/^providers:.*$/m, (line) => `${line}\n  mock: { type: mock }`);
    const withMock = parseConfig(added, 'first.yaml', {});
    if (!withMock.ok) throw new Error(`${withMock.error.line}: ${withMock.error.message}`);
    expect(Object.keys(withMock.config.providers)).toEqual(['mock']);

    // Uncommenting = deleting the leading "# " of the mock's lines, of `plugins:` and its items.
    const lines = text.split('\n');
    const start = lines.indexOf('# plugins:');
    const uncommented = lines.map((line, i) => {
      if (/^\s*# (mock:|  type: mock)/.test(line)) return line.replace('# ', '');
      if (i === start || (i > start && /^#   - [a-z]/.test(line))) return line.slice(2);
      return line;
    }).join('\n');
    const r = parseConfig(uncommented, 'first.yaml', { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/x' });
    if (!r.ok) throw new Error(`${r.error.line}: ${r.error.message}`);
    expect(r.config.providers.mock).toMatchObject({ type: 'mock' });
    const names = r.config.plugins.map((p) => (typeof p === 'string' ? p : Object.keys(p)[0]));
    expect(names).toEqual(expect.arrayContaining(['retry', 'secret-scan', 'otel', 'prompt-cache', 'context-trim', 'openai-responses']));
  });

  test('keeps every example section, commented where not active', () => {
    const { text } = buildFirstRunConfig({});
    for (const section of ['aliases', 'combos', 'plugins', 'pricing', 'proxy']) {
      expect(text).toMatch(new RegExp(`^# ${section}:`, 'm'));
    }
    for (const section of ['server', 'auth', 'logging', 'timeouts', 'request', 'providers']) {
      expect(text).toMatch(new RegExp(`^${section}:`, 'm'));
    }
  });

  test('several keys: one entry per preset, first matching variable, catalogue order', () => {
    const env = { GOOGLE_API_KEY: 'g-key-12345', OPENAI_API_KEY: 'sk-1234567', ANTHROPIC_API_KEY: '  ', ZAI_API_KEY: 'z-1234567' };
    const { text, detected } = buildFirstRunConfig(env);
    expect(detected).toEqual(['openai', 'gemini', 'zai']);
    expect(text).toContain('keys: ["${GOOGLE_API_KEY}"]');
    const r = parseConfig(text, 'first.yaml', env);
    if (!r.ok) throw new Error(r.error.message);
    expect(Object.keys(r.config.providers)).toEqual(['openai', 'gemini', 'zai']);
  });

  test('local presets are never detected', () => {
    const ids = detectProviders({ OLLAMA_HOST: 'x', VLLM_API_KEY: 'y' }, loadPresets()).map((d) => d.id);
    expect(ids).toEqual([]);
  });
});

describe('a preset with a per-user URL (Azure: base_url_env)', () => {
  const endpoint = 'https://res.openai.azure.com';
  test('key and endpoint write an entry that reads both from the environment, and it loads', async () => {
    const env = { AZURE_OPENAI_API_KEY: 'azure-first-run-key-123', AZURE_OPENAI_ENDPOINT: endpoint };
    const file = join(root, 'azure', 'switchyard.yaml');
    expect(writeFirstRunConfig(file, env).detected).toEqual(['azure']);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('  azure:\n    preset: azure\n    base_url: "${AZURE_OPENAI_ENDPOINT}"\n    keys: ["${AZURE_OPENAI_API_KEY}"]\n');
    expect(text).not.toContain('azure-first-run-key-123');
    const loaded = await loadConfig(file, env);
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.config.providers.azure).toMatchObject({ preset: 'azure', base_url: endpoint, keys: ['azure-first-run-key-123'] });
  });

  test('the key without the endpoint writes nothing', () => {
    expect(buildFirstRunConfig({ AZURE_OPENAI_API_KEY: 'k' }).detected).toEqual([]);
    expect(detectProviders({ AZURE_OPENAI_API_KEY: 'k' }, loadPresets())).toEqual([]);
  });
});
