import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigError, loadConfig, parseConfig } from './load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'sy-load-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function writeTemp(text: string): string {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, text);
  return file;
}

function expectError(r: ReturnType<typeof parseConfig>): ConfigError {
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.error;
}

const SECRET = 'sk-live-VERY-secret-0123456789';

describe('loadConfig', () => {
  test('reads a file, fills defaults and returns the raw text', async () => {
    const text = 'server:\n  port: 3000\nproviders:\n  groq:\n    keys: ["${GROQ_KEY}"]\n';
    const file = writeTemp(text);
    const r = await loadConfig(file, { GROQ_KEY: SECRET });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.raw).toBe(text);
    expect(r.config.server.port).toBe(3000);
    expect(r.config.server.host).toBe('127.0.0.1');
    expect(r.config.providers.groq.keys).toEqual([SECRET]);
    expect(r.secrets).toEqual([SECRET]);
  });

  test('a missing file is an error, not a throw', async () => {
    const r = await loadConfig(join(dir, 'nope.yaml'), {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('ENOENT');
  });

  test('empty sections and bare provider names mean defaults', () => {
    const r = parseConfig('aliases:\n  # fast: groq/x\ncombos:\nproviders:\n  ollama:\n', 'x.yaml', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.config.aliases).toEqual({});
    expect(r.config.providers.ollama.enabled).toBe(true);
  });

  test('an empty file is an empty, valid config', () => {
    const r = parseConfig('# nothing yet\n', 'x.yaml', {});
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.providers).toEqual({});
  });
});

describe('errors carry line and column', () => {
  test('YAML syntax error', () => {
    const e = expectError(parseConfig('server:\n  port: 1\naliases:\n  a: b: c\n', 'bad.yaml', {}));
    expect(e.file).toBe('bad.yaml');
    expect(e.line).toBe(4);
    expect(e.col).toBe(6);
    expect(e.message).toContain('Nested mappings');
  });

  test('duplicate keys are rejected with the second key located', () => {
    const e = expectError(parseConfig('server:\n  port: 1\nserver:\n  port: 2\n', 'dup.yaml', {}));
    expect(e.line).toBe(3);
    expect(e.message.toLowerCase()).toContain('unique');
  });

  test('invalid value: dotted path and the position of the value', () => {
    const text = ['server:', '  port: 8080', 'providers:', '  groq:', '    base_url: not a url', ''].join('\n');
    const e = expectError(parseConfig(text, 'v.yaml', {}));
    expect(e.path).toBe('providers.groq.base_url');
    expect(e.message).toStartWith('providers.groq.base_url:');
    expect(e.line).toBe(5);
    expect(e.col).toBe(15);
  });

  test('retention: forever by default for usage, a week for debug bodies; a usage window shorter than a month is refused', () => {
    const ok = parseConfig('', 'r.yaml', {});
    if (!ok.ok) throw new Error(ok.error.message);
    expect(ok.config.logging.retention).toEqual({ usage_days: 0, bodies_days: 7 });
    const e = expectError(parseConfig(['logging:', '  retention:', '    usage_days: 30', ''].join('\n'), 'r.yaml', {}));
    expect(e.path).toBe('logging.retention.usage_days');
    expect(e.message).toContain('at least 35');
    expect(e.line).toBe(3);
    const kept = parseConfig(['logging:', '  retention: { usage_days: 90, bodies_days: 1 }', ''].join('\n'), 'r.yaml', {});
    expect(kept.ok && kept.config.logging.retention).toEqual({ usage_days: 90, bodies_days: 1 });
  });

  test('prices: per unit alone is enough (token prices default to 0); a negative price is refused', () => {
    const ok = parseConfig('pricing:\n  whisper-1: { per_minute: 0.006 }\n  tts-1: { per_1m_characters: 15 }\n', 'p.yaml', {});
    if (!ok.ok) throw new Error(ok.error.message);
    expect(ok.config.pricing['whisper-1']).toEqual({ input: 0, output: 0, per_minute: 0.006 });
    const byImage = parseConfig('pricing:\n  dall-e-3: { per_image: { default: 0.04, HD 1792x1024: 0.12 } }\n', 'p.yaml', {});
    if (!byImage.ok) throw new Error(byImage.error.message);
    expect(byImage.config.pricing['dall-e-3']).toEqual({ input: 0, output: 0, per_image: { default: 0.04, 'HD 1792x1024': 0.12 } });
    const e = expectError(parseConfig('pricing:\n  dall-e-3: { per_image: -1 }\n', 'p.yaml', {}));
    expect(e.path).toBe('pricing.dall-e-3.per_image');
    expect(e.line).toBe(2);
  });

  test('alias names may be globs (with a slash too); combo names may not', () => {
    const ok = parseConfig('providers:\n  up: { type: openai, base_url: "https://x.example/v1" }\naliases:\n  "claude-*": up/m\n  "openai/*": up/m\n', 'g.yaml', {});
    expect(ok.ok).toBe(true);
    const slash = expectError(parseConfig('providers:\n  up: { type: openai, base_url: "https://x.example/v1" }\naliases:\n  "a/b": up/m\n', 'g.yaml', {}));
    expect(slash.message).toContain('contain no "/"');
    const combo = expectError(parseConfig('providers:\n  up: { type: openai, base_url: "https://x.example/v1" }\ncombos:\n  "c-*": { models: [up/m] }\n', 'g.yaml', {}));
    expect(combo.message).toContain('globs are for aliases');
  });

  test('value inside a list: index in the path, position of the item', () => {
    const text = 'providers:\n  a:\n    base_url: https://a.example/v1\n    keys:\n      - ok-key\n      - 42\n';
    const e = expectError(parseConfig(text, 'v.yaml', {}));
    expect(e.path).toBe('providers.a.keys[1]');
    expect(e.line).toBe(6);
    expect(e.col).toBe(9);
  });

  test('unknown top-level key points at the key and lists the allowed ones', () => {
    const e = expectError(parseConfig('server: {}\nprovders:\n  x: {}\n', 'k.yaml', {}));
    expect(e.path).toBe('provders');
    expect(e.line).toBe(2);
    expect(e.col).toBe(1);
    expect(e.message).toContain('providers');
  });

  test('a missing required key points at its parent', () => {
    const e = expectError(parseConfig('combos:\n  c:\n    strategy: fill-first\n', 'm.yaml', {}));
    expect(e.path).toBe('combos.c.models');
    expect(e.message).toContain('missing required key "models"');
    expect(e.line).toBe(3);
  });

  test('a misspelt routing strategy is a located error naming the valid ones (it used to route fill-first silently)', () => {
    const e = expectError(parseConfig('combos:\n  c:\n    models: [a/b]\n    strategy: roundrobin\n', 's.yaml', {}));
    expect(e.path).toBe('combos.c.strategy');
    expect(e.line).toBe(4);
    expect(e.message).toContain('round-robin');
    const a = expectError(parseConfig('providers:\n  p:\n    base_url: https://p.example/v1\n    account_strategy: rr\n', 's.yaml', {}));
    expect(a.path).toBe('providers.p.account_strategy');
  });

  test('a list where a map belongs is an error, not a section silently left at its defaults', () => {
    const cases: Array<[string, string, number]> = [
      ['server: [not, a, map]\n', 'server', 1],
      ['server:\n  - port: 8080\n', 'server', 2],
      ['providers:\n  a:\n    base_url: https://a.example/v1\n    headers: [x-a]\n', 'providers.a.headers', 4],
      ['aliases: [fast]\n', 'aliases', 1],
      ['plugins:\n  - retry: [3]\n', 'plugins[0].retry', 2],
    ];
    for (const [text, path, line] of cases) {
      const e = expectError(parseConfig(text, 'l.yaml', {}));
      expect(e.path).toBe(path);
      expect(e.message).toContain('expected a map (key: value lines), not a list');
      expect(e.line).toBe(line);
    }
    expect(expectError(parseConfig('- server\n- providers\n', 'l.yaml', {})).message).toContain('the config is a list');
  });

  test('a plugin entry naming two plugins reports the check, not the union', () => {
    const e = expectError(parseConfig('plugins:\n  - cache\n  - { a: {}, b: {} }\n', 'p.yaml', {}));
    expect(e.path).toBe('plugins[1]');
    expect(e.message).toContain('exactly one plugin');
    expect(e.line).toBe(3);
  });
});

describe('environment interpolation', () => {
  test('variables, defaults, escapes; values with YAML syntax stay verbatim', () => {
    const weird = 'a: "b" # not a comment, {x}';
    const text = [
      'server:',
      '  host: ${HOST:-0.0.0.0}',
      '  port: ${PORT}',
      'proxy: "$${NOT_A_VAR}"',
      'providers:',
      '  p:',
      '    base_url: https://${DOMAIN}/v1',
      '    keys: ["${KEY}"]',
      '    headers: { x-note: "${NOTE}" }',
      '',
    ].join('\n');
    const r = parseConfig(text, 'e.yaml', { PORT: '9999', DOMAIN: 'llm.example.com', KEY: SECRET, NOTE: weird });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.config.server.host).toBe('0.0.0.0');
    expect(r.config.server.port).toBe(9999);
    expect(r.config.proxy).toBe('${NOT_A_VAR}');
    expect(r.config.providers.p.base_url).toBe('https://llm.example.com/v1');
    expect(r.config.providers.p.headers).toEqual({ 'x-note': weird });
    expect(r.secrets).toContain(SECRET);
    expect(r.secrets).toContain(weird);
    expect(r.secrets).not.toContain('9999');
  });

  test('an unset variable is an error naming it, located at the value', () => {
    const e = expectError(parseConfig('server:\n  host: 127.0.0.1\nproxy: http://${PROXY_HOST}:3128\n', 'u.yaml', { OTHER: SECRET }));
    expect(e.message).toContain('PROXY_HOST');
    expect(e.message).not.toContain(SECRET);
    expect(e.line).toBe(3);
    expect(e.col).toBe(8);
  });

  test('a secret that lands in a wrong field is masked in the error', () => {
    const e = expectError(parseConfig('server:\n  host: "${API_KEY}"\n  port: "${API_KEY}"\n', 's.yaml', { API_KEY: SECRET }));
    expect(e.path).toBe('server.port');
    expect(e.message).not.toContain(SECRET);
    expect(e.message).toContain('***');
  });

  test('literal keys count as secrets and are masked too', () => {
    const e = expectError(parseConfig(`providers:\n  p:\n    base_url: https://x.example\n    keys: ["${SECRET}"]\n    proxy: 5\n    headers: { h: "${SECRET}" }\n`, 'l.yaml', {}));
    expect(e.message).not.toContain(SECRET);
    const ok = parseConfig(`providers:\n  p:\n    base_url: https://x.example\n    accounts: [{ key: "${SECRET}" }]\n`, 'l.yaml', {});
    expect(ok.ok && ok.secrets).toEqual([SECRET]);
  });

  test('credential-named headers, an OAuth client secret and URL passwords are secrets; other headers are not', () => {
    const ok = parseConfig([
      'providers:',
      '  p:',
      '    base_url: "https://relay:url-pass-12345@x.example/v1"',
      '    proxy: "http://me:proxy-pass-6789@proxy.lan:8080"',
      '    headers: { Authorization: "Bearer literal-bearer-1234", X-Relay-Token: literal-token-5678, X-Title: Switchyard-App }',
      '    oauth: { client_secret: literal-client-secret-9 }',
      '',
    ].join('\n'), 's.yaml', {});
    expect(ok.ok && ok.secrets.sort()).toEqual(
      ['Bearer literal-bearer-1234', 'literal-client-secret-9', 'literal-token-5678', 'proxy-pass-6789', 'url-pass-12345'],
    );
  });
});

describe('reserved names', () => {
  test('a provider, alias or combo named __proto__, constructor or prototype is a located error, not silently dropped', () => {
    const base = 'providers:\n  p: { type: openai, base_url: "https://x.example/v1" }\n';
    for (const [text, path, line] of [
      ['providers:\n  constructor: { type: openai, base_url: "https://x.example/v1" }\n', 'providers.constructor', 2],
      [`${base}aliases:\n  __proto__: p/m\n`, 'aliases.__proto__', 4],
      [`${base}combos:\n  prototype: { models: [p/m] }\n`, 'combos.prototype', 4],
    ] as const) {
      const e = expectError(parseConfig(text, 'r.yaml', {}));
      expect(e.path).toBe(path);
      expect(e.line).toBe(line);
      expect(e.message).toContain('reserved name');
    }
  });
});

describe('references', () => {
  const providers = 'providers:\n  groq: {}\n  local: { type: openai, base_url: "http://127.0.0.1:1234/v1" }\n';

  test('a combo cycle is reported with its path', () => {
    const text = `${providers}combos:\n  a:\n    models: [groq/*, b]\n  b:\n    models: [c]\n  c:\n    models: [local/x, a]\n`;
    const e = expectError(parseConfig(text, 'cy.yaml', {}));
    expect(e.message).toContain('a -> b -> c -> a');
    expect(e.path).toBe('combos.a.models[1]');
    expect(e.line).toBe(6);
  });

  test('an alias cycle through a combo is found too', () => {
    const text = `${providers}aliases:\n  fast: mix\ncombos:\n  mix:\n    models: [groq/x, fast]\n`;
    const e = expectError(parseConfig(text, 'cy.yaml', {}));
    expect(e.message).toContain('fast -> mix -> fast');
  });

  test('acyclic sharing is fine', () => {
    const text = `${providers}aliases:\n  fast: groq/llama\n  f2: fast\ncombos:\n  a: { models: [fast, f2, b] }\n  b: { models: [fast, local/*] }\n`;
    expect(parseConfig(text, 'ok.yaml', {}).ok).toBe(true);
  });

  test.each([
    ['aliases:\n  x: nothing-here\n', 'aliases.x', 'not provider/model'],
    ['aliases:\n  x: nope/model\n', 'aliases.x', 'unknown provider "nope"'],
    ['aliases:\n  x: groq/\n', 'aliases.x', 'provider/model or provider/*'],
    ['combos:\n  c: { models: [groq/a, "/b"] }\n', 'combos.c.models[1]', 'provider/model or provider/*'],
    ['aliases:\n  a/b: groq/x\n', 'aliases.a/b', 'no "/"'],
    ['aliases:\n  dup: groq/x\ncombos:\n  dup: { models: [groq/y] }\n', 'combos.dup', 'both an alias and a combo'],
  ])('bad target %#', (tail, path, message) => {
    const e = expectError(parseConfig(providers + tail, 'r.yaml', {}));
    expect(e.path).toBe(path);
    expect(e.message).toContain(message);
    expect(e.line).toBeGreaterThan(4);
  });

  test('provider problems (unknown preset, no base_url) are located', () => {
    const e = expectError(parseConfig('providers:\n  g:\n    preset: grok-typo\n', 'p.yaml', {}));
    expect(e.path).toBe('providers.g.preset');
    expect(e.line).toBe(3);
    const e2 = expectError(parseConfig('providers:\n  custom:\n    type: openai\n', 'p.yaml', {}));
    expect(e2.path).toBe('providers.custom');
    expect(e2.message).toContain('base_url');
    expect(e2.line).toBe(2);
  });
});

describe('the shipped example', () => {
  test('loads and validates with the variables it references set', async () => {
    const env = {
      GROQ_API_KEY: 'gsk_example_key_1',
      OPENAI_API_KEY: 'sk-example-openai',
      ANTHROPIC_API_KEY: 'sk-ant-example',
      GEMINI_API_KEY: 'gemini-example-key',
      DEEPSEEK_API_KEY: 'sk-deepseek-example',
      OPENROUTER_API_KEY: 'sk-or-example',
    };
    const r = await loadConfig(join(import.meta.dir, '..', '..', 'config', 'switchyard.example.yaml'), env);
    if (!r.ok) throw new Error(`${r.error.line}:${r.error.col} ${r.error.message}`);
    expect(Object.keys(r.config.providers).length).toBeGreaterThanOrEqual(6);
    expect(r.config.request.deadline_ms).toBe(600_000);
    expect(r.config.plugins.length).toBeGreaterThan(0);
    expect(r.secrets.sort()).toEqual(Object.values(env).sort());
    // Without the variables it must fail on the first unset one, by name.
    const missing = await loadConfig(join(import.meta.dir, '..', '..', 'config', 'switchyard.example.yaml'), {});
    expect(!missing.ok && missing.error.message).toContain('GROQ_API_KEY');
  });
});
