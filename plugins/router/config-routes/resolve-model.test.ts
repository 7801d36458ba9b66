import { describe, expect, test } from 'bun:test';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { resolveModel, type RoutingTables } from './resolve-model.ts';

const provider = (name: string, models: string[]) => ({ name, models, accounts: [] }) as unknown as ProviderRuntime;
const tables = (aliases: Record<string, string>): RoutingTables => ({
  providers: new Map([['anthropic', provider('anthropic', ['claude-sonnet-4-5'])], ['groq', provider('groq', ['llama-3.3-70b'])]]),
  aliases,
  combos: { coding: { strategy: 'fill-first', models: ['anthropic/claude-sonnet-4-5', 'groq/llama-3.3-70b'] } },
});

describe('resolveModel', () => {
  const t = tables({
    'claude-*haiku*': 'groq/llama-3.3-70b',
    'claude-*': 'coding',
    'openai/gpt-*': 'groq/llama-3.3-70b',
    fast: 'groq/llama-3.3-70b',
    '*': 'coding',
  });
  const targets = (name: string) => resolveModel(name, t).targets.map((x) => `${x.provider}/${x.model}`);

  test('exact names first: combo, alias, provider/model, a bare model a provider lists', () => {
    expect(targets('fast')).toEqual(['groq/llama-3.3-70b']);
    expect(targets('anthropic/claude-opus-4')).toEqual(['anthropic/claude-opus-4']);
    expect(targets('claude-sonnet-4-5')).toEqual(['anthropic/claude-sonnet-4-5']);
    expect(resolveModel('coding', t).combo).toBe('coding');
  });

  test('then the first alias whose glob matches, in the order written; case-insensitive', () => {
    expect(targets('claude-3-5-haiku-20241022')).toEqual(['groq/llama-3.3-70b']);
    expect(resolveModel('claude-3-5-haiku-20241022', t).via).toBe('claude-*haiku*');
    expect(targets('Claude-Opus-4-1-20250805')).toEqual(['anthropic/claude-sonnet-4-5', 'groq/llama-3.3-70b']);
    expect(resolveModel('claude-opus-4-1-20250805', t)).toMatchObject({ via: 'claude-*', combo: 'coding', strategy: 'fill-first' });
    expect(targets('openai/gpt-4.1')).toEqual(['groq/llama-3.3-70b']);
    expect(targets('some-model-nobody-knows')).toEqual(['anthropic/claude-sonnet-4-5', 'groq/llama-3.3-70b']);
  });

  test('globs route only the name the client sent: a combo entry or alias target on a missing (disabled) provider drops out', () => {
    const withOff = { ...t, aliases: { ...t.aliases, dead: 'off/m' }, combos: { ...t.combos, mixed: { strategy: 'fill-first', models: ['off/m', 'groq/llama-3.3-70b'] } } };
    const names = (name: string) => resolveModel(name, withOff).targets.map((x) => `${x.provider}/${x.model}`);
    expect(names('mixed')).toEqual(['groq/llama-3.3-70b']);
    expect(names('dead')).toEqual([]);
    expect(names('off/m')).toEqual(['anthropic/claude-sonnet-4-5', 'groq/llama-3.3-70b']);
  });

  test('without a catch-all, unknown names resolve to nothing', () => {
    expect(resolveModel('gpt-4o', tables({ 'claude-*': 'coding' })).targets).toEqual([]);
  });
});
