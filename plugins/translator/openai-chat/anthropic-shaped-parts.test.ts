import { expect, test } from 'bun:test';
import { chatBodyFromAnthropicShapes, hasAnthropicShapes } from './anthropic-shaped-parts.ts';

const png = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };

test('found only where Anthropic\'s shapes are: bare or flat tools, tool_use / tool_result blocks', () => {
  expect(hasAnthropicShapes({ tools: [{ type: 'function', function: { name: 'f' } }], messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] })).toBe(false);
  expect(hasAnthropicShapes({ tools: [{ name: 'f', input_schema: {} }] })).toBe(true);
  expect(hasAnthropicShapes({ tools: [{ type: 'function', name: 'f', parameters: {} }] })).toBe(true);
  expect(hasAnthropicShapes({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'ok' }] }] })).toBe(true);
});

test('a result with an image: the text as the tool message, the image with the rest of the turn; image blocks as image_url parts', () => {
  const out = chatBodyFromAnthropicShapes({
    tools: [{ type: 'function', name: 'shot', parameters: { type: 'object' }, strict: true }],
    messages: [
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'tool_use', id: 'a', name: 'shot', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text', text: 'taken' }, png] }] },
      { role: 'user', content: [{ type: 'text', text: 'and this?' }, png] },
    ],
  });
  expect(out.tools).toEqual([{ type: 'function', function: { name: 'shot', parameters: { type: 'object' }, strict: true } }]);
  expect(out.messages).toEqual([
    { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'shot', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'a', content: 'taken' },
    { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
    { role: 'user', content: [{ type: 'text', text: 'and this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
  ]);
});
