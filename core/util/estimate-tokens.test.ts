import { describe, expect, test } from 'bun:test';
import type { Message, ToolDefinition } from '../types/hub.ts';
import { estimateTokens, messageTokens, toolsTokens } from './estimate-tokens.ts';

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
    expect(estimateTokens({ messages })).toBe(Math.ceil(14 + 1004.75 + 9.25 + 9));
    expect(estimateTokens({ messages: [] })).toBe(0);
  });

  test('declared tools count too: name, description and JSON schema, 4 characters a token', () => {
    const schema = { type: 'object', properties: { path: { type: 'string', description: 'p'.repeat(3950) } } };
    const tools: ToolDefinition[] = [
      { name: 'read_file', description: 'Reads a file.', parameters: schema }, // 9 + 13 + schema
      { name: 'ls', parameters: {} }, // 2 + 0 + 2
    ];
    const chars = 9 + 13 + JSON.stringify(schema).length + 2 + 2;
    expect(toolsTokens(tools)).toBe(chars / 4);
    expect(toolsTokens(undefined)).toBe(0);
    const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]; // 4 + 0.5
    expect(estimateTokens({ messages, tools })).toBe(Math.ceil(4.5 + chars / 4));
    expect(estimateTokens({ messages, tools })).toBeGreaterThan(1000);
  });
});
