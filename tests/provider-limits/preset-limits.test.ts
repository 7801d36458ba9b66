/**
 * The per-model output limit of the preset catalogue (`max_output_tokens` beside a model's
 * prices): it reaches the providers as that model's quirk, leaves prices alone, and a
 * provider entry's own quirk for the model wins.
 */
import { describe, expect, test } from 'bun:test';
import { loadPresets, parsePresets } from '../../core/config/presets.ts';
import { modelQuirks } from '../../core/config/resolve-providers.ts';
import { outputTokenLimit } from '../../core/util/output-token-limit.ts';

const catalogue = loadPresets();
const limitOf = (preset: string, model: string, own: Record<string, unknown> = {}) =>
  outputTokenLimit(modelQuirks({ quirks: { models: { ...catalogue.get(preset)!.modelQuirks, ...own } } }, model));

describe('max_output_tokens in the catalogue', () => {
  test('well-known models carry their published limit; others none', () => {
    expect(limitOf('openai', 'gpt-4o')).toBe(16384);
    expect(limitOf('openai', 'gpt-4.1-mini')).toBe(32768);
    expect(limitOf('openai', 'gpt-4o-2024-05-13')).toBeUndefined();
    expect(limitOf('anthropic', 'claude-opus-4-1')).toBe(32000);
    expect(limitOf('gemini', 'gemini-2.0-flash')).toBe(8192);
    expect(limitOf('deepseek', 'deepseek-chat')).toBe(8192);
    expect(limitOf('groq', 'llama-3.3-70b-versatile')).toBe(32768);
    expect(limitOf('cc', 'claude-sonnet-4-5')).toBe(64000);
    expect(limitOf('xai', 'grok-4')).toBeUndefined();
  });

  test('prices and glob quirks stay as they were; a model with a limit and no price has no price', () => {
    const openai = catalogue.get('openai')!;
    expect(openai.pricing['gpt-4o']).toEqual({ input: 2.5, output: 10, cachedInput: 1.25, tiers: { priority: { input: 4.25, output: 17, cachedInput: 2.125 } } });
    expect(modelQuirks({ quirks: { models: openai.modelQuirks } }, 'gpt-4o')).toEqual({ drop_params: ['reasoning_effort'], max_output_tokens: 16384 });
    expect(catalogue.get('cc')!.pricing['claude-opus-4-1']).toBeUndefined();
    expect(catalogue.get('cc')!.models).toContain('claude-opus-4-1');
  });

  test("a provider entry's quirk for the model overrides it", () => {
    expect(limitOf('openai', 'gpt-4o', { 'gpt-4o': { max_output_tokens: 4096 } })).toBe(4096);
  });

  test('the schema takes positive integers only', () => {
    const entry = (limit: string) => `presets:\n  - id: x\n    name: X\n    type: openai\n    base_url: https://a.example\n    env: [X_KEY]\n    models:\n      m: { input: 1, max_output_tokens: ${limit} }\n`;
    expect(parsePresets(entry('8192')).get('x')!.modelQuirks).toEqual({ m: { max_output_tokens: 8192 } });
    expect(() => parsePresets(entry('0'))).toThrow('max_output_tokens');
    expect(() => parsePresets(entry('1.5'))).toThrow('max_output_tokens');
  });
});
