import { describe, expect, test } from 'bun:test';
import type { Message } from '../types/hub.ts';
import { estimateTokens, messageTokens } from './estimate-tokens.ts';

describe('estimateTokens', () => {
  test('4 characters a token over every kind of text, 1,000 per image or file, 4 per message, rounded up once', () => {
    const messages: Message[] = [
      { role: 'system', content: [{ type: 'text', text: 'x'.repeat(40) }] }, // 4 + 10
      { role: 'user', content: [{ type: 'text', text: 'abc' }, { type: 'image', url: 'https://example.com/a.png' }] }, // 4 + 0.75 + 1000
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'y'.repeat(8) }, // 2
          { type: 'tool-call', id: 'c1', name: 'read', arguments: '{"p":"a"}' }, // (4 + 9) / 4 = 3.25
        ],
      }, // + 4
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'z'.repeat(20) }] }] }, // 4 + 5
    ];
    expect(messageTokens(messages[1]!)).toBe(1004.75);
    expect(estimateTokens(messages)).toBe(Math.ceil(14 + 1004.75 + 9.25 + 9));
    expect(estimateTokens([])).toBe(0);
  });
});
