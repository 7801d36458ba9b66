import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_PRESETS_FILE, loadPresets, parsePresets } from './presets.ts';

const REQUIRED_OPENAI = [
  'openai', 'deepseek', 'groq', 'xai', 'mistral', 'nvidia', 'openrouter', 'together', 'fireworks', 'cerebras',
  'perplexity', 'moonshot', 'siliconflow', 'nebius', 'deepinfra', 'hyperbolic', 'sambanova', 'github-models',
  'ollama', 'lmstudio', 'vllm', 'llamacpp',
];
const LOCAL = ['ollama', 'lmstudio', 'vllm', 'llamacpp'];

describe('the bundled catalogue', () => {
  const catalogue = loadPresets();

  test('parses fast and is cached', () => {
    // loadPresets may already be cached by another test file: time the uncached path.
    const t0 = performance.now();
    const fresh = parsePresets(readFileSync(DEFAULT_PRESETS_FILE, 'utf8'));
    const ms = performance.now() - t0;
    console.log(`presets: read + parse + validate ${ms.toFixed(1)} ms, ${fresh.size} presets`);
    expect(ms).toBeLessThan(100);
    expect(fresh.size).toBe(catalogue.size);
    expect(loadPresets()).toBe(catalogue);
  });

  test('passes its schema, and the unvalidated start-up mapping gives the same catalogue', () => {
    const validated = parsePresets(readFileSync(DEFAULT_PRESETS_FILE, 'utf8'));
    expect([...catalogue.entries()]).toEqual([...validated.entries()]);
  });

  test('has at least 22 openai-type presets, including every required one', () => {
    const openai = [...catalogue.values()].filter((p) => p.type === 'openai');
    expect(openai.length).toBeGreaterThanOrEqual(22);
    for (const id of REQUIRED_OPENAI) expect(catalogue.get(id)?.type).toBe('openai');
  });

  test('every base URL is https, or http on loopback for local servers', () => {
    for (const p of catalogue.values()) {
      if (p.baseUrlEnv) {
        // Each user's own URL (Azure): none in the catalogue, and the first run reads it from the environment.
        expect([p.id, p.baseUrl, p.env.length > 0]).toEqual([p.id, '', true]);
        continue;
      }
      const url = new URL(p.baseUrl);
      if (p.local) {
        expect(url.protocol).toBe('http:');
        expect(url.hostname).toBe('127.0.0.1');
        expect(p.allowPrivateNetwork).toBe(true);
      } else {
        expect(url.protocol).toBe('https:');
        expect(p.env.length).toBeGreaterThan(0);
        expect(p.allowPrivateNetwork).toBe(false);
      }
      expect(p.baseUrl.endsWith('/')).toBe(false);
    }
    expect(LOCAL.every((id) => catalogue.get(id)?.local)).toBe(true);
  });

  test('native and Anthropic-compatible presets', () => {
    const expectPreset = (id: string, type: string, baseUrl: string, header: string) => {
      const p = catalogue.get(id);
      expect(p?.type).toBe(type);
      expect(p?.baseUrl).toBe(baseUrl);
      expect(p?.auth.header).toBe(header);
    };
    expectPreset('anthropic', 'anthropic', 'https://api.anthropic.com', 'x-api-key');
    expectPreset('gemini', 'gemini', 'https://generativelanguage.googleapis.com', 'x-goog-api-key');
    expectPreset('zai', 'anthropic', 'https://api.z.ai/api/anthropic', 'authorization');
    expectPreset('minimax', 'anthropic', 'https://api.minimax.io/anthropic', 'x-api-key');
    expectPreset('kimi-coding', 'anthropic', 'https://api.kimi.com/coding', 'x-api-key');
  });

  test('detection variables are the conventional ones and not shared between presets', () => {
    expect(catalogue.get('openai')?.env[0]).toBe('OPENAI_API_KEY');
    expect(catalogue.get('groq')?.env[0]).toBe('GROQ_API_KEY');
    expect(catalogue.get('nvidia')?.env[0]).toBe('NVIDIA_API_KEY');
    const seen = new Map<string, string>();
    for (const p of catalogue.values()) {
      for (const name of p.env) {
        expect(seen.get(name) ?? p.id).toBe(p.id);
        seen.set(name, p.id);
      }
    }
  });

  test('prices are per 1M tokens, with cached input cheaper than input', () => {
    const gpt = catalogue.get('openai')?.pricing['gpt-4o-mini'];
    expect(gpt).toEqual({ input: 0.15, output: 0.6, cachedInput: 0.075, tiers: { priority: { input: 0.25, output: 1, cachedInput: 0.125 } } });
    for (const p of catalogue.values()) {
      for (const [model, price] of Object.entries(p.pricing)) {
        expect(p.models).toContain(model);
        if (price.cachedInput !== undefined) expect(price.cachedInput).toBeLessThanOrEqual(price.input);
        for (const tier of Object.values(price.tiers ?? {})) {
          if (tier.cachedInput !== undefined) expect(tier.cachedInput).toBeLessThanOrEqual(tier.input);
        }
      }
    }
    expect(catalogue.get('openai')?.quirks.max_tokens_field).toBe('max_completion_tokens');
  });

  test('service tiers: flex at half the standard price, priority dearer, each with its cached price', () => {
    const openai = catalogue.get('openai')!.pricing;
    expect(openai['gpt-5']?.tiers).toEqual({
      flex: { input: 0.625, output: 5, cachedInput: 0.0625 },
      priority: { input: 2.5, output: 20, cachedInput: 0.25 },
    });
    let flex = 0;
    let priority = 0;
    for (const p of catalogue.values()) {
      for (const price of Object.values(p.pricing)) {
        const tiers = price.tiers ?? {};
        expect(Object.keys(tiers).every((name) => name === 'flex' || name === 'priority')).toBe(true);
        if (tiers.flex) {
          flex++;
          expect([tiers.flex.input, tiers.flex.output, tiers.flex.cachedInput]).toEqual([price.input / 2, price.output / 2, price.cachedInput! / 2]);
        }
        if (tiers.priority) {
          priority++;
          expect(tiers.priority.input).toBeGreaterThan(price.input);
          expect(tiers.priority.output).toBeGreaterThan(price.output);
          expect(tiers.priority.cachedInput).toBeGreaterThan(price.cachedInput!);
        }
      }
    }
    expect({ flex, priority }).toEqual({ flex: 5, priority: 9 });
  });

  test('models billed per minute, character or image carry those prices; `{}` models none', () => {
    const openai = catalogue.get('openai')!.pricing;
    expect(openai['whisper-1']).toEqual({ input: 0, output: 0, perMinute: 0.006 });
    expect(openai['tts-1']).toEqual({ input: 0, output: 0, perMillionCharacters: 15 });
    expect(openai['dall-e-3']).toEqual({
      input: 0, output: 0, perImage: 0.04,
      perImageBy: { '1024x1792': 0.08, '1792x1024': 0.08, hd: 0.08, 'hd 1024x1792': 0.12, 'hd 1792x1024': 0.12 },
    });
    expect(openai['gpt-4o-mini-tts']).toBeUndefined();
    expect(catalogue.get('groq')!.pricing['whisper-large-v3']?.perMinute).toBe(0.00185);
    expect(catalogue.get('deepgram')!.pricing['nova-3']?.perMinute).toBe(0.0043);
    expect(catalogue.get('deepgram')!.pricing['aura-2-thalia-en']?.perMillionCharacters).toBe(30);
  });

  test("Bun's fast parser reads the file exactly like the yaml package", () => {
    const text = readFileSync(DEFAULT_PRESETS_FILE, 'utf8');
    expect(Bun.YAML.parse(text)).toEqual(parse(text));
  });
});

describe('parsePresets rejects a broken catalogue', () => {
  const entry = (extra: string) => `presets:\n  - id: x\n    name: X\n    type: openai\n${extra}`;

  test.each([
    [entry('    base_url: http://remote.example/v1\n'), 'https'],
    [entry('    env: [X_KEY]\n'), 'a preset needs base_url, or base_url_env'],
    [entry('    base_url: not-a-url\n'), 'base_url: Invalid URL'],
    [entry('    base_url: https://a.example\n    env: [lower_case]\n'), 'env'],
    [entry('    base_url: https://a.example\n    colour: red\n'), 'colour'],
    [`${entry('    base_url: https://a.example\n')}${entry('    base_url: https://b.example\n').replace('presets:\n', '')}`, 'duplicate'],
    ['presets:\n  - id: x\n   name: bad indent\n', ':3:'],
    [entry('    base_url: https://a.example\n    models: { m: { input: 1, output: 2, tiers: { flex: { input: 0.5 } } } }\n'), 'models.m.tiers.flex.output'],
    [entry('    base_url: https://a.example\n    models: { m: { input: 1, output: 2, tiers: { Flex: { input: 0.5, output: 1 } } } }\n'), 'tier names are lower-case'],
    [entry('    base_url: https://a.example\n    models: { m: { input: 1, output: 2, tiers: [flex] } }\n'), 'expected a map'],
  ])('case %#', (text, fragment) => {
    expect(() => parsePresets(text, 'test.yaml')).toThrow(fragment);
  });
});
