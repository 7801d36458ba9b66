import { expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { refusesSystemEntries, withSystemAsReminders } from './fold-system-messages.ts';

const refusal = (message: string) => new GatewayError('GW_BAD_REQUEST', message, { status: 400, upstream: { status: 400, message } });
const body = { messages: [{ role: 'user', content: 'x' }, { role: 'system', content: 'y' }] };

test('the role refused, in DeepSeek\'s, pydantic\'s and other servers\' words, when the body has system entries', () => {
  for (const m of [
    'Failed to deserialize the JSON body into the target type: messages[1].role: unknown variant `system`, expected `user` or `assistant` at line 1 column 1010',
    "messages.1.role: Input should be 'user' or 'assistant'",
    'message role must be user or assistant',
    'System messages are not allowed',
  ]) expect(refusesSystemEntries(refusal(m), body)).toBe(true);
  expect(refusesSystemEntries(refusal("messages.1.role: Input should be 'user' or 'assistant'"), { messages: [{ role: 'user', content: 'x' }] })).toBe(false);
  expect(refusesSystemEntries(refusal('max_tokens: Field required'), body)).toBe(false);
});

test('each entry a reminder where it stood: joined to the user turn before it, or a user turn after an assistant one', () => {
  expect(withSystemAsReminders([
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }] },
    { role: 'system', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] },
    { role: 'system', content: 'c' },
  ])).toEqual([
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }, { type: 'text', text: '<system-reminder>\na\nb\n</system-reminder>' }] },
    { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] },
    { role: 'user', content: [{ type: 'text', text: '<system-reminder>\nc\n</system-reminder>' }] },
  ]);
  const none = [{ role: 'user', content: 'x' }];
  expect(withSystemAsReminders(none)).toBe(none);
});
