import { expect, test } from 'bun:test';
import { uniqueToolUseIds } from './unique-tool-ids.ts';

const use = (id: string, input: unknown = { path: 'a' }) => ({ type: 'tool_use', id, name: 'Read', input });
const result = (id: string, content = 'file a') => ({ type: 'tool_result', tool_use_id: id, content });

test('unique ids: nothing to change', () => {
  const messages = [{ role: 'user', content: 'x' }, { role: 'assistant', content: [use('a')] }, { role: 'user', content: [result('a')] }];
  expect(uniqueToolUseIds(messages)).toBeUndefined();
  expect(uniqueToolUseIds('x')).toBeUndefined();
});

test('a call repeated whole in one turn (Claude Code 2.1.19): the repeat and its second result go', () => {
  const messages = [
    { role: 'user', content: 'x' },
    { role: 'assistant', content: [{ type: 'text', text: 'Reading.' }, use('toolu_1'), use('toolu_1')] },
    { role: 'user', content: [result('toolu_1'), result('toolu_1')] },
  ];
  expect(uniqueToolUseIds(messages)).toEqual([
    { role: 'user', content: 'x' },
    { role: 'assistant', content: [{ type: 'text', text: 'Reading.' }, use('toolu_1')] },
    { role: 'user', content: [result('toolu_1')] },
  ]);
  expect(messages[1]!.content).toHaveLength(3);
});

test('an id used again by another call, in the same turn or a later one: a new id for it and its result', () => {
  const messages = [
    { role: 'user', content: 'x' },
    { role: 'assistant', content: [use('call_0', { path: 'a' }), use('call_0', { path: 'b' })] },
    { role: 'user', content: [result('call_0', 'A'), result('call_0', 'B')] },
    { role: 'assistant', content: [use('call_0', { path: 'c' })] },
    { role: 'user', content: [result('call_0', 'C'), { type: 'text', text: 'go on' }] },
  ];
  expect(uniqueToolUseIds(messages)).toEqual([
    { role: 'user', content: 'x' },
    { role: 'assistant', content: [use('call_0', { path: 'a' }), use('call_0_2', { path: 'b' })] },
    { role: 'user', content: [result('call_0', 'A'), result('call_0_2', 'B')] },
    { role: 'assistant', content: [use('call_0_3', { path: 'c' })] },
    { role: 'user', content: [result('call_0_3', 'C'), { type: 'text', text: 'go on' }] },
  ]);
});
