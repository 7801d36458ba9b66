import { describe, expect, test } from 'bun:test';
import { dropBlankText } from './drop-blank-text.ts';

const use = { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} };
const result = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' };

describe('dropBlankText', () => {
  test('nothing blank: undefined, so the body goes as the client sent it', () => {
    expect(dropBlankText([{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'text', text: ' a ' }, use] }])).toBeUndefined();
    expect(dropBlankText(undefined)).toBeUndefined();
    expect(dropBlankText('not a list')).toBeUndefined();
  });

  test('a blank text block before a tool call is dropped; the call and everything else stay, unchanged', () => {
    const thinking = { type: 'thinking', thinking: 'x', signature: 'sig' };
    const messages = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: [thinking, { type: 'text', text: '\n\n' }, use] },
      { role: 'user', content: [result] },
    ];
    const copy = structuredClone(messages);
    const out = dropBlankText(messages)!;
    expect(out).toEqual([messages[0], { role: 'assistant', content: [thinking, use] }, messages[2]]);
    expect(out[0]).toBe(messages[0]);
    expect(messages).toEqual(copy);
  });

  test('every whitespace counts, and empty text too', () => {
    for (const text of ['', ' ', '\t', '\n\n', '\r\n', '\u00a0', '\u2028', '\ufeff']) {
      expect(dropBlankText([{ role: 'user', content: [{ type: 'text', text }, { type: 'text', text: 'q' }] }])).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
      ]);
    }
  });

  test('a message left empty is dropped, and the two turns of one role it separated are joined', () => {
    const out = dropBlankText([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: [{ type: 'text', text: ' ' }] },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: '   ' },
    ]);
    expect(out).toEqual([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]);
  });

  test('turns of one role the client sent in a row stay apart (only a dropped turn joins)', () => {
    const messages = [
      { role: 'user', content: 'a' },
      { role: 'user', content: [{ type: 'text', text: 'b' }, { type: 'text', text: ' ' }] },
    ];
    expect(dropBlankText(messages)).toEqual([messages[0], { role: 'user', content: [{ type: 'text', text: 'b' }] }]);
  });

  test('what is not a message, and blocks that are not text, pass unchanged', () => {
    const odd = [null, 7, { role: 'user' }, { role: 'user', content: [{ type: 'image', source: {} }, { type: 'text', text: 5 }] }];
    expect(dropBlankText(odd)).toBeUndefined();
    expect(dropBlankText([...odd, { role: 'assistant', content: '' }])).toEqual(odd);
    expect(dropBlankText([{ role: 'assistant', content: '' }, ...odd])).toEqual(odd);
  });
});

test('a message sent with no content (an interrupted turn kept as []) is dropped too, but a final assistant one is allowed', () => {
  const messages = [
    { role: 'user', content: 'a' },
    { role: 'assistant', content: [] },
    { role: 'user', content: 'b' },
    { role: 'assistant', content: [] },
  ];
  expect(dropBlankText(messages)).toEqual([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }, messages[3]]);
  expect(dropBlankText([{ role: 'user', content: 'a' }, { role: 'assistant', content: [] }])).toBeUndefined();
});
