import { expect, test } from 'bun:test';
import { isPlainMessagesBody } from '../plugins/translator/anthropic-messages/is-plain-messages-body.ts';
import { isPlainChatBody } from '../plugins/translator/openai-chat/is-plain-chat-body.ts';
import { isPlainResponsesBody } from '../plugins/translator/openai-responses/is-plain-responses-body.ts';
import { anthropicAgentBody, codexAgentBody, openAIAgentBody } from './agent-body.ts';

test('the agent bodies are the size agents send, and valid for their dialect', () => {
  const openai = openAIAgentBody('up/m', 20, 20);
  const claude = anthropicAgentBody('claude/m', 20, 20);
  const codex = codexAgentBody('up/m', 20, 20);
  for (const body of [openai, claude, codex]) expect(body.length).toBeGreaterThan(100_000);
  expect(isPlainChatBody(JSON.parse(openai))).toBe(true);
  expect(isPlainMessagesBody(JSON.parse(claude))).toBe(true);
  expect(isPlainResponsesBody(JSON.parse(codex))).toBe(true);
  const messages = (JSON.parse(anthropicAgentBody('m', 3, 1)) as { messages: unknown[] }).messages;
  expect(messages.length).toBe(3 * 3 + 1);
});
