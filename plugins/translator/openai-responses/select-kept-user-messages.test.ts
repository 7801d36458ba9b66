import { describe, expect, test } from 'bun:test';
import { summaryMessageText } from './compact-prompt.ts';
import { cutMiddle, selectKeptUserMessages } from './select-kept-user-messages.ts';

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

describe('selectKeptUserMessages', () => {
  test('keeps what the user wrote, oldest first; not other roles, injected context, earlier summaries or images', () => {
    const items = [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>…</permissions instructions>' }] },
      user('# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>be nice</INSTRUCTIONS>'),
      user('<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>'),
      { role: 'user', content: 'first, in the easy form' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
      user(summaryMessageText('an earlier summary')),
      { type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
      { type: 'function_call_output', call_id: 'c', output: 'user-looking output' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second' }, { type: 'input_image', image_url: 'x' }, { type: 'input_text', text: 'part two' }] },
    ];
    expect(selectKeptUserMessages(items)).toEqual(['first, in the easy form', 'second\npart two']);
  });

  test('newest first within the budget; the message that does not fit is cut in its middle and is the oldest kept', () => {
    const items = [user('a'.repeat(100)), user(`${'b'.repeat(300)}END`), user('c'.repeat(20))];
    const kept = selectKeptUserMessages(items, 50); // 200 characters
    expect(kept).toHaveLength(2);
    expect(kept[1]).toBe('c'.repeat(20));
    expect(kept[0]!.length).toBe(180);
    expect(kept[0]).toStartWith('bbb');
    expect(kept[0]).toEndWith('END');
    expect(kept[0]).toContain('characters cut');
  });

  test('cutMiddle never splits a surrogate pair', () => {
    const cut = cutMiddle('😀'.repeat(100), 61);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut).not.toMatch(/(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
