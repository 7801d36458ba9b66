import { describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFirstRunConfig } from './first-run-config.ts';
import { parseConfig, parseConfigDocument } from './load-config.ts';
import { isPlainSubset, plainYaml } from './plain-yaml.ts';

const ENV = {
  OPENAI_API_KEY: 'sk-openai-0123456789', GROQ_API_KEY: 'gsk-groq-0123456789', ANTHROPIC_API_KEY: 'sk-ant-0123456789',
  DEEPSEEK_API_KEY: 'sk-deepseek-0123456789', GEMINI_API_KEY: 'gemini-0123456789', OPENROUTER_API_KEY: 'sk-or-0123456789',
  PORT: '3000', HTTPS_PROXY: '',
};
const EXAMPLE = readFileSync(resolve(import.meta.dir, '../../config/switchyard.example.yaml'), 'utf8');

describe('plainYaml: the native parser only where it agrees with the yaml package', () => {
  const refused: Array<[string, string]> = [
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a duplicate nested key', 'p:\n  x:\n    b: 1\n  y: 2\n  x: 3\n'],
    ['a duplicate key in a sequence item', 'l:\n  - key: a\n    key: b\n'],
    ['a duplicate key in a flow mapping', 'p:\n  x: { type: openai, type: anthropic }\n'],
    ['a duplicate key beside a nested flow mapping', 'p: {a: {b: 1}, a: 2}\n'],
    ['a duplicate quoted key', '"a": 1\na: 2\n'],
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 12\n'],
    ['a merge key', 'c:\n  <<: {b: 1}\n'],
    ['two documents', '---\na: 1\n---\nb: 2\n'],
    ['a complex key', '? [a]\n: 1\n'],
    ['a flow collection over two lines', 'a: [1,\n  2]\n'],
    ['a continued plain scalar', 'a: one\n  two\n'],
    ['an escape sequence', 'a: "x\\ty"\n'],
    ['a tab', 'a:\n\t- x\n'],
    ['a nested sequence', '- - a\n'],
    ['a duplicate key after a block scalar in a sequence item', 'rules:\n  - text: |\n      Be brief.\n    mode: replace\n    mode: append\n'],
    ['a tag after a block scalar in a sequence item', 'rules:\n  - text: |\n      x\n    mode: !!str replace\n'],
    ['a null key (the package names it "", Bun "null")', 'aliases:\n  ~: a\n  b: c\n'],
    ['an empty key', ': 1\n'],
    ['a null key in a flow mapping', 'a: {null: 1}\n'],
    ['a signed hex number (a number to Bun, text to the package)', 'a: -0x10\n'],
    ['an octal number past 2^53 (text to Bun, a number to the package)', 'a: [0o7777777777777777777777]\n'],
    ['a hex key', '+0x1: a\n'],
    ['a duplicate key after a quoted key with a space before its colon', 'l:\n  - "a" : 1\n    a: 2\n'],
  ];
  for (const [what, text] of refused) {
    test(`refuses ${what}`, () => expect(plainYaml(text)).toBeUndefined());
  }

  test('accepts block and one-line flow collections, quotes, comments and block scalars', () => {
    const text = [
      'server: { host: 127.0.0.1, port: 20128 }  # inline',
      'providers:',
      '  up: { type: openai, base_url: "http://127.0.0.1:9/v1", keys: [a, "b, c"], nested: {x: [1, {y: 2}]} }',
      '  other:',
      '    keys:',
      '    - k1',
      '    - \'it\'\'s\'',
      'combos:',
      '  c:',
      '    - { model: up/a }',
      '    - model: "up/*"',
      '      note: "a # is not a comment"',
      'prompt: |',
      '  a: 1',
      '  a: 2',
      'x: 1',
      '',
    ].join('\n');
    expect(isPlainSubset(text)).toBe(true);
    expect(plainYaml(text)?.value).toEqual(Bun.YAML.parse(text));
  });
});

describe('parseConfig reads plain configs natively with the same result as the yaml package', () => {
  const corpus: Array<[string, string]> = [
    ['the example config', EXAMPLE],
    ['a first-run config with detected providers', buildFirstRunConfig(ENV).text],
    ['a first-run config with no provider', buildFirstRunConfig({}).text],
    ['the bench config', [
      'server: { host: 127.0.0.1 }', 'logging: { level: info }', 'providers:',
      '  up: { type: openai, base_url: http://127.0.0.1:9/v1, keys: [sk-bench-upstream], allow_private_network: true }',
      '  claude: { type: anthropic, base_url: http://127.0.0.1:9, keys: [sk-bench-upstream], allow_private_network: true }', '',
    ].join('\n')],
    ['quoted references and defaults', 'proxy: "${HTTPS_PROXY:-}"\nproviders:\n  groq:\n    keys: ["${GROQ_API_KEY}", "$${literal}"]\n'],
    ['a typed whole reference (left to the yaml package)', 'server:\n  port: ${PORT}\n'],
    ['a quoted whole reference that stays a string', 'providers:\n  groq:\n    keys:\n      - "${PORT}"\n'],
    ['empty sections', 'aliases:\ncombos:\nproviders:\n  ollama:\n'],
    ['an empty file', ''],
  ];
  for (const [what, text] of corpus) {
    test(what, () => {
      const fast = parseConfig(text, 'c.yaml', ENV);
      const reference = parseConfigDocument(text, 'c.yaml', ENV);
      expect(reference.ok).toBe(true);
      expect(fast).toEqual(reference);
    });
  }

  test('most of that corpus takes the native path (the comparison above is not vacuous)', () => {
    const native = corpus.filter(([, text]) => plainYaml(text) !== undefined).map(([what]) => what);
    expect(native).toContain('the example config');
    expect(native).toContain('a first-run config with detected providers');
    expect(native).toContain('the bench config');
  });

  test('errors still come from the yaml package, with line and column', () => {
    const dup = parseConfig('server:\n  port: 1\nserver:\n  port: 2\n', 'c.yaml', {});
    expect(dup).toMatchObject({ ok: false, error: { line: 3, message: expect.stringContaining('unique') } });
    const bad = parseConfig('server:\n  port: nope\n', 'c.yaml', {});
    expect(bad).toMatchObject({ ok: false, error: { line: 2, col: 9, path: 'server.port' } });
    const unset = parseConfig('providers:\n  groq:\n    keys: ["${NOPE}"]\n', 'c.yaml', {});
    expect(unset).toMatchObject({ ok: false, error: { line: 3, message: expect.stringContaining('NOPE') } });
  });

  test('loading a plain config does not load the yaml package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-plain-yaml-'));
    try {
      const file = join(dir, 'probe.ts');
      writeFileSync(file, `
        import { loadConfig } from ${JSON.stringify(resolve(import.meta.dir, 'load-config.ts'))};
        import { loadPresets } from ${JSON.stringify(resolve(import.meta.dir, 'presets.ts'))};
        const loaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/yaml/'));
        loadPresets();
        const r = await loadConfig(${JSON.stringify(join(dir, 'c.yaml'))}, ${JSON.stringify(ENV)});
        const before = loaded();
        const bad = await loadConfig(${JSON.stringify(join(dir, 'bad.yaml'))}, {});
        console.log(JSON.stringify({ ok: r.ok, before, badOk: bad.ok, after: loaded() }));
      `);
      writeFileSync(join(dir, 'c.yaml'), EXAMPLE);
      writeFileSync(join(dir, 'bad.yaml'), 'server:\n  port: [\n');
      const r = Bun.spawnSync([process.execPath, file], { cwd: resolve(import.meta.dir, '../..') });
      expect(r.stderr.toString()).toBe('');
      expect(JSON.parse(r.stdout.toString())).toEqual({ ok: true, before: false, badOk: false, after: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
