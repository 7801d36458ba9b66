import { expect, test } from 'bun:test';
import { claudeGeneration, isAdaptiveOnlyClaude } from './claude-models.ts';

test('a Claude model id in any provider\'s spelling', () => {
  expect(claudeGeneration('claude-opus-4-8')).toEqual({ family: 'opus', version: 4.8 });
  expect(claudeGeneration('claude-sonnet-4-5-20250929')).toEqual({ family: 'sonnet', version: 4.5 });
  expect(claudeGeneration('claude-sonnet-4-20250514')).toEqual({ family: 'sonnet', version: 4 });
  expect(claudeGeneration('us.anthropic.claude-sonnet-5-v1:0')).toEqual({ family: 'sonnet', version: 5 });
  expect(claudeGeneration('claude-opus-4-7@20260416')).toEqual({ family: 'opus', version: 4.7 });
  expect(claudeGeneration('anthropic/claude-opus-4.8')).toEqual({ family: 'opus', version: 4.8 });
  expect(claudeGeneration('claude-3-7-sonnet-20250219')).toEqual({ family: 'sonnet', version: 3.7 });
  expect(claudeGeneration('claude-mythos-preview')).toEqual({ family: 'mythos' });
  expect(claudeGeneration('anthropic.claude-opus-4-20250514-v1:0')).toEqual({ family: 'opus', version: 4 });
  expect(claudeGeneration('eu.anthropic.claude-opus-4-1-20250805-v1:0')).toEqual({ family: 'opus', version: 4.1 });
  expect(claudeGeneration('anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual({ family: 'haiku', version: 3.5 });
  expect(claudeGeneration('amazon.nova-pro-v1:0')).toBeUndefined();
  expect(claudeGeneration('gpt-5')).toBeUndefined();
});

test('adaptive-only: Opus 4.7 and later, Claude 5 and later, Mythos and Fable', () => {
  for (const m of ['claude-opus-4-7', 'anthropic.claude-opus-4-8-v1:0', 'claude-sonnet-5', 'claude-haiku-5-1', 'claude-fable-5', 'claude-mythos-preview', 'claude-opus-6']) {
    expect([m, isAdaptiveOnlyClaude(m)]).toEqual([m, true]);
  }
  for (const m of ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-3-7-sonnet-20250219', 'glm-4.6', 'house-opus']) {
    expect([m, isAdaptiveOnlyClaude(m)]).toEqual([m, false]);
  }
});
