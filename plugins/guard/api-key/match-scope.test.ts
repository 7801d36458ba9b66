import { describe, expect, test } from 'bun:test';
import { scopeAllows } from './match-scope.ts';

describe('key scopes', () => {
  test('no scopes allow everything', () => {
    expect(scopeAllows(undefined, 'openai/gpt-4o')).toBe(true);
    expect(scopeAllows([], 'x')).toBe(true);
  });

  test('provider globs, exact names, ? and literal dots', () => {
    const s = ['groq/*', 'fast', 'openai/gpt-4o-mini', 'local/qwen?'];
    expect(scopeAllows(s, 'groq/llama-3.3-70b-versatile')).toBe(true);
    expect(scopeAllows(s, 'groq/org/model')).toBe(true);
    expect(scopeAllows(s, 'fast')).toBe(true);
    expect(scopeAllows(s, 'faster')).toBe(false);
    expect(scopeAllows(s, 'openai/gpt-4o')).toBe(false);
    expect(scopeAllows(s, 'local/qwen3')).toBe(true);
    expect(scopeAllows(s, 'local/qwen32')).toBe(false);
    expect(scopeAllows(['a.b'], 'axb')).toBe(false);
  });

  test('case-insensitive, as glob aliases route: a denial cannot be dodged by writing the name in capitals', () => {
    const s = ['*', '!premium/*', '!claude-*'];
    for (const name of ['claude-opus', 'Claude-opus', 'CLAUDE-3', 'PREMIUM/echo']) expect([name, scopeAllows(s, name)]).toEqual([name, false]);
    expect(scopeAllows(s, 'groq/x')).toBe(true);
    expect(scopeAllows(['Groq/*'], 'groq/x')).toBe(true);
  });

  test('denials win; only denials allow the rest', () => {
    expect(scopeAllows(['openai/*', '!openai/o1*'], 'openai/o1-preview')).toBe(false);
    expect(scopeAllows(['openai/*', '!openai/o1*'], 'openai/gpt-4o')).toBe(true);
    expect(scopeAllows(['!anthropic/*'], 'groq/x')).toBe(true);
    expect(scopeAllows(['!anthropic/*'], 'anthropic/claude')).toBe(false);
    expect(scopeAllows(['*'], 'anything/at-all')).toBe(true);
  });
});
