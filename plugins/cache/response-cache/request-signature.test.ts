import { describe, expect, test } from 'bun:test';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { isDeterministic, requestSignature, semanticQuery, stableStringify } from './request-signature.ts';

const base = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'up/gpt-4o', stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    { role: 'user', content: [{ type: 'text', text: 'Hello there' }] },
  ],
  ...over,
});

describe('requestSignature', () => {
  test('ignores stream, user, metadata and labelling extras; keeps what changes the answer', () => {
    const sig = requestSignature('k1', 'up/gpt-4o', base());
    expect(requestSignature('k1', 'up/gpt-4o', base({ stream: true, streamUsage: true, user: 'u', metadata: { trace: 1 } }))).toBe(sig);
    expect(requestSignature('k1', 'up/gpt-4o', base({ providerOptions: { openai: { store: true, prompt_cache_key: 'x' } } }))).toBe(sig);
    expect(requestSignature('k1', 'up/gpt-4o', base({ providerOptions: { openai: { logit_bias: { 1: 2 } } } }))).not.toBe(sig);
    expect(requestSignature('k1', 'up/gpt-4o', base({ maxTokens: 10 }))).not.toBe(sig);
    expect(requestSignature('k1', 'up/gpt-4o', base({ reasoning: { effort: 'high' } }))).not.toBe(sig);
    expect(requestSignature('k2', 'up/gpt-4o', base())).not.toBe(sig);
    expect(requestSignature('k1', 'up/gpt-4o-mini', base())).not.toBe(sig);
  });

  test('field order does not matter', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    const a = base({ temperature: 0, maxTokens: 5 });
    const b: ChatRequest = { maxTokens: 5, temperature: 0, ...base() };
    expect(requestSignature('k', 'm', a)).toBe(requestSignature('k', 'm', b));
  });
});

describe('semanticQuery', () => {
  test('the last user turn is embedded; the rest goes into the bucket', () => {
    const q = semanticQuery('k', 'm', 'emb/e', base())!;
    expect(q.text).toBe('Hello there');
    const other = base({ messages: [base().messages[0], { role: 'user', content: [{ type: 'text', text: 'Hi!' }] }] });
    expect(semanticQuery('k', 'm', 'emb/e', other)!.bucket).toBe(q.bucket);
    const otherSystem = base({ messages: [{ role: 'system', content: [{ type: 'text', text: 'Be long.' }] }, base().messages[1]] });
    expect(semanticQuery('k', 'm', 'emb/e', otherSystem)!.bucket).not.toBe(q.bucket);
    expect(semanticQuery('k', 'm', 'emb/other', base())!.bucket).not.toBe(q.bucket);
    expect(semanticQuery('k2', 'm', 'emb/e', base())!.bucket).not.toBe(q.bucket);
  });

  test('no query when the last turn is not plain user text', () => {
    expect(semanticQuery('k', 'm', 'e', base({ messages: [{ role: 'assistant', content: [{ type: 'text', text: 'x' }] }] }))).toBeUndefined();
    expect(semanticQuery('k', 'm', 'e', base({ messages: [{ role: 'user', content: [{ type: 'image', url: 'https://x/y.png' }] }] }))).toBeUndefined();
    expect(semanticQuery('k', 'm', 'e', base({ messages: [{ role: 'user', content: [{ type: 'text', text: '  ' }] }] }))).toBeUndefined();
  });
});

test('isDeterministic: temperature 0 or unset', () => {
  expect(isDeterministic(base())).toBe(true);
  expect(isDeterministic(base({ temperature: 0 }))).toBe(true);
  expect(isDeterministic(base({ temperature: 0.2 }))).toBe(false);
});
