import { describe, expect, test } from 'bun:test';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { DEFAULT_SUFFIXES, parseModelSuffix } from './parse-model-suffix.ts';
import { planReasoning, type ReasoningPolicy } from './plan-reasoning.ts';

const none = () => false;

describe('parseModelSuffix', () => {
  test('effort suffixes, -thinking and -thinking-N', () => {
    expect(parseModelSuffix('up/gpt-5:high', DEFAULT_SUFFIXES, none)).toEqual({ model: 'up/gpt-5', suffix: ':high', reasoning: { enabled: true, effort: 'high' } });
    expect(parseModelSuffix('o3:none', DEFAULT_SUFFIXES, none)?.reasoning).toEqual({ enabled: false, effort: 'none' });
    expect(parseModelSuffix('claude/claude-sonnet-4-thinking', DEFAULT_SUFFIXES, none)?.model).toBe('claude/claude-sonnet-4');
    expect(parseModelSuffix('c/claude-opus-4-thinking-12000', DEFAULT_SUFFIXES, none)?.reasoning).toEqual({ enabled: true, budgetTokens: 12000 });
    expect(parseModelSuffix('m:XHIGH', DEFAULT_SUFFIXES, none)?.reasoning.effort).toBe('xhigh');
  });

  test('the parenthesized form: an effort, a budget, auto, and the configured suffixes', () => {
    expect(parseModelSuffix('gpt-5.1(high)', DEFAULT_SUFFIXES, none)).toEqual({ model: 'gpt-5.1', suffix: '(high)', reasoning: { enabled: true, effort: 'high' } });
    expect(parseModelSuffix('up/gemini-2.5-pro(8192)', DEFAULT_SUFFIXES, none)).toEqual({ model: 'up/gemini-2.5-pro', suffix: '(8192)', reasoning: { enabled: true, budgetTokens: 8192 } });
    expect(parseModelSuffix('gemini-3-pro-preview( AUTO )', DEFAULT_SUFFIXES, none)?.reasoning).toEqual({ enabled: true });
    expect(parseModelSuffix('o3(none)', DEFAULT_SUFFIXES, none)?.reasoning).toEqual({ enabled: false, effort: 'none' });
    expect(parseModelSuffix('o3(0)', DEFAULT_SUFFIXES, none)?.reasoning).toEqual({ enabled: false, effort: 'none' });
    expect(parseModelSuffix('gpt-5(max)', { ...DEFAULT_SUFFIXES, ':max': 'xhigh' }, none)?.reasoning.effort).toBe('xhigh');
  });

  test('nothing to strip in parentheses: unknown words, empty, nested, bare, known names', () => {
    for (const name of ['gpt-5(fast)', 'gpt-5()', 'gpt-5((high))', '(high)', 'up/(high)', 'gpt-5(high)x', 'gpt-5(12345678)']) {
      expect([name, parseModelSuffix(name, DEFAULT_SUFFIXES, none)]).toEqual([name, undefined]);
    }
    expect(parseModelSuffix('up/odd(high)', DEFAULT_SUFFIXES, (n) => n === 'up/odd(high)')).toBeUndefined();
  });

  test('nothing to strip: plain names, other colons, bare suffixes, known names', () => {
    expect(parseModelSuffix('up/gpt-5', DEFAULT_SUFFIXES, none)).toBeUndefined();
    expect(parseModelSuffix('local/qwen3:8b', DEFAULT_SUFFIXES, none)).toBeUndefined();
    expect(parseModelSuffix(':high', DEFAULT_SUFFIXES, none)).toBeUndefined();
    expect(parseModelSuffix('up/:high', DEFAULT_SUFFIXES, none)).toBeUndefined();
    expect(parseModelSuffix('moon/kimi-k2-thinking', DEFAULT_SUFFIXES, (n) => n === 'moon/kimi-k2-thinking')).toBeUndefined();
    expect(parseModelSuffix('x-fast', { ...DEFAULT_SUFFIXES, '-fast': 'low' }, none)?.reasoning.effort).toBe('low');
  });
});

const policy = (over: Partial<ReasoningPolicy>): ReasoningPolicy => ({
  mode: 'passthrough', auto: { smallTokens: 500, largeTokens: 4000 }, adaptive: { minTokens: 1000, maxTokens: 8000, perTurnTokens: 1000 }, ...over,
});
const req = (text: string, over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...over,
});

describe('planReasoning', () => {
  test('custom: budget and/or effort, replacing the client', () => {
    expect(planReasoning(req('x', { reasoning: { effort: 'high' } }), policy({ mode: 'custom', budgetTokens: 3000 })))
      .toEqual({ enabled: true, effort: 'medium', budgetTokens: 3000 });
    expect(planReasoning(req('x'), policy({ mode: 'custom', effort: 'none' }))).toEqual({ enabled: false, effort: 'none' });
  });

  test('auto: by size, tools make a task bigger, client settings win', () => {
    expect(planReasoning(req('short'), policy({ mode: 'auto' }))?.effort).toBe('low');
    expect(planReasoning(req('x'.repeat(8000)), policy({ mode: 'auto' }))?.effort).toBe('medium');
    expect(planReasoning(req('x'.repeat(20_000)), policy({ mode: 'auto' }))).toMatchObject({ effort: 'high', budgetTokens: 16384 });
    const tools = [{ name: 't', parameters: { type: 'object' } }];
    expect(planReasoning(req('short', { tools }), policy({ mode: 'auto' }))?.effort).toBe('medium');
    // The same estimate as everywhere: images and the tools' own size count.
    const image = { role: 'user' as const, content: [{ type: 'image' as const, url: 'https://example.com/a.png' }] };
    expect(planReasoning(req('short', { messages: [image, image, image] }), policy({ mode: 'auto' }))?.effort).toBe('medium');
    const bigTools = [{ name: 't', description: 'd'.repeat(16_000), parameters: { type: 'object' } }];
    expect(planReasoning(req('short', { tools: bigTools }), policy({ mode: 'auto' }))?.effort).toBe('high');
    expect(planReasoning(req('short', { reasoning: { enabled: false } }), policy({ mode: 'auto' }))).toBeUndefined();
    expect(planReasoning(req('short', { providerOptions: { anthropic: { thinking: { type: 'adaptive' } } } }), policy({ mode: 'auto' }))).toBeUndefined();
  });

  test('adaptive: min + per turn, capped', () => {
    const turns = (n: number): ChatRequest => ({
      model: 'm', stream: false,
      messages: Array.from({ length: n }, () => ({ role: 'user' as const, content: [{ type: 'text' as const, text: 'q' }] })),
    });
    expect(planReasoning(turns(1), policy({ mode: 'adaptive' }))?.budgetTokens).toBe(1000);
    expect(planReasoning(turns(4), policy({ mode: 'adaptive' }))?.budgetTokens).toBe(4000);
    expect(planReasoning(turns(40), policy({ mode: 'adaptive' }))?.budgetTokens).toBe(8000);
    expect(planReasoning(turns(1), policy({ mode: 'passthrough' }))).toBeUndefined();
  });
});
