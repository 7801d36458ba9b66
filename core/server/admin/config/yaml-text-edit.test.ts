import { describe, expect, test } from 'bun:test';
import { parse } from 'yaml';
import { deleteInText, reorderInText, setInText } from './yaml-text-edit.ts';

const BASE = `# Switchyard
server:
  host: 127.0.0.1            # keep local
  port: 20128
  cors_origins: []           # closed

providers:
  groq:                      # named like a preset
    keys:
      - \${GROQ_API_KEY}
    account_strategy: round-robin

  local:
    type: openai
    base_url: http://127.0.0.1:11434/v1
    limits: { rpm: 50 }

aliases:
  fast: groq/llama   # the quick one

plugins:
  - api-key
  # the breaker guards providers
  - circuit-breaker: { failures: 5 }
  - cache:
      ttl: 30m
`;

/** Lines of `after` that are not in `before`, and the reverse. */
function diff(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  return { added: b.filter((l) => !a.includes(l)), removed: a.filter((l) => !b.includes(l)) };
}

describe('setInText', () => {
  test('a scalar keeps its comment and every other byte', () => {
    const out = setInText(BASE, ['server', 'port'], 3000);
    expect(out).toBe(BASE.replace('port: 20128', 'port: 3000'));
  });

  test('a string keeps its quoting', () => {
    const text = 'a:\n  b: "x"   # c\n';
    expect(setInText(text, ['a', 'b'], 'y z')).toBe('a:\n  b: "y z"   # c\n');
  });

  test('a new key is appended at the end of its map with the map indentation', () => {
    const out = setInText(BASE, ['aliases', 'smart'], 'local/qwen');
    expect(diff(BASE, out)).toEqual({ added: ['  smart: local/qwen'], removed: [] });
    expect(parse(out).aliases).toEqual({ fast: 'groq/llama', smart: 'local/qwen' });
  });

  test('a new provider is written in block style; the rest is untouched', () => {
    const out = setInText(BASE, ['providers', 'mock1'], { type: 'mock', models: ['a', 'b'] });
    expect(diff(BASE, out).removed).toEqual([]);
    expect(out).toContain('  mock1:\n    type: mock\n    models:\n      - a\n      - b\n');
    expect(parse(out).providers.mock1).toEqual({ type: 'mock', models: ['a', 'b'] });
  });

  test('an object value is merged: only changed leaves are rewritten', () => {
    const out = setInText(BASE, ['providers', 'groq'], { keys: ['${GROQ_API_KEY}'], account_strategy: 'fill-first', enabled: false });
    expect(diff(BASE, out)).toEqual({ added: ['    account_strategy: fill-first', '    enabled: false'], removed: ['    account_strategy: round-robin'] });
    expect(out).toContain('  groq:                      # named like a preset');
  });

  test('a flow map stays flow', () => {
    const out = setInText(BASE, ['providers', 'local', 'limits', 'tpm'], 1000);
    expect(out).toContain('    limits: { rpm: 50, tpm: 1000 }\n');
  });

  test('a list item changes from a name to a map inline', () => {
    const out = setInText(BASE, ['plugins', 0], { 'api-key': false });
    expect(diff(BASE, out)).toEqual({ added: ['  - api-key: false'], removed: ['  - api-key'] });
  });

  test('a block map value becomes a scalar after the key', () => {
    const out = setInText(BASE, ['plugins', 2, 'cache'], false);
    expect(out).toContain('  - cache: false\n');
    expect(parse(out).plugins[2]).toEqual({ cache: false });
  });

  test('an item is appended to a block list', () => {
    const out = setInText(BASE, ['plugins', 3], { 'rate-limit': { rpm: 5 } });
    expect(parse(out).plugins[3]).toEqual({ 'rate-limit': { rpm: 5 } });
    expect(diff(BASE, out).removed).toEqual([]);
  });

  test('a missing top-level section is appended', () => {
    const out = setInText(BASE, ['combos', 'free'], { strategy: 'fill-first', models: ['groq/*'] });
    expect(out.startsWith(BASE)).toBe(true);
    expect(parse(out).combos).toEqual({ free: { strategy: 'fill-first', models: ['groq/*'] } });
  });

  test('an empty section gets its first entry in block style', () => {
    const text = 'aliases: {}\ncombos:\n';
    const a = setInText(text, ['aliases', 'x'], 'p/m');
    expect(parse(a).aliases).toEqual({ x: 'p/m' });
    const b = setInText(text, ['combos', 'c'], { models: ['p/m'] });
    expect(parse(b).combos).toEqual({ c: { models: ['p/m'] } });
  });

  test('an empty list gets items', () => {
    const out = setInText(BASE, ['server', 'cors_origins'], ['http://a.example']);
    expect(parse(out).server.cors_origins).toEqual(['http://a.example']);
    expect(out).toContain('# closed');
  });
});

describe('deleteInText', () => {
  test('removes a pair and nothing else', () => {
    const out = deleteInText(BASE, ['providers', 'local']);
    expect(diff(BASE, out).added).toEqual([]);
    expect(parse(out).providers).toEqual({ groq: { keys: ['${GROQ_API_KEY}'], account_strategy: 'round-robin' } });
    expect(out).toContain('aliases:\n  fast: groq/llama   # the quick one');
  });

  test('the last key of a section leaves an empty map', () => {
    const out = deleteInText(BASE, ['aliases', 'fast']);
    expect(parse(out).aliases).toEqual({});
    expect(parse(out).plugins).toHaveLength(3);
  });

  test('removes a list item', () => {
    const out = deleteInText(BASE, ['plugins', 1]);
    expect(parse(out).plugins).toEqual(['api-key', { cache: { ttl: '30m' } }]);
  });

  test('a missing path changes nothing', () => {
    expect(deleteInText(BASE, ['combos', 'nope'])).toBe(BASE);
  });
});

describe('reorderInText', () => {
  test('moves items with their comment lines', () => {
    const out = reorderInText(BASE, ['plugins'], [2, 0, 1]);
    expect(parse(out).plugins).toEqual([{ cache: { ttl: '30m' } }, 'api-key', { 'circuit-breaker': { failures: 5 } }]);
    expect(out).toContain('  - api-key\n  # the breaker guards providers\n  - circuit-breaker: { failures: 5 }');
    expect(out.split('\n').sort()).toEqual(BASE.split('\n').sort());
  });
});
