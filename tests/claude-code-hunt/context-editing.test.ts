/**
 * Claude Code asks for context editing (`context_management` with `clear_tool_uses`); routed to
 * an upstream that does not edit (OpenAI-compatible here), the gateway does it. A browser or
 * screenshot tool returns images with a one-line caption: those results weigh the most and
 * must be cleared like any other.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { CLEARED } from '../../plugins/translator/anthropic-messages/apply-context-edits.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';

let up: ScriptedUpstream;
let gw: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  up = await startScriptedUpstream();
  gw = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${up.origin}/v1", keys: [sk-oai-1234567], allow_private_network: true }
`);
  client = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.stop();
  await up?.stop();
});

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAABJRU5ErkJggg==';
const shot: Anthropic.Tool = { name: 'browser_take_screenshot', description: 'Screenshot of the page', input_schema: { type: 'object', properties: {} } };

test('clear_tool_uses clears old screenshot results (image + short caption) for a non-Anthropic upstream', async () => {
  const messages: Anthropic.Beta.BetaMessageParam[] = [{ role: 'user', content: 'Click through the four pages' }];
  for (let i = 0; i < 4; i++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${i}`, name: shot.name, input: {} }] });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: [{ type: 'text', text: `Page ${i}` }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }],
    });
  }
  up.next({ json: { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'Done.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } } });
  const reply = await client.beta.messages.create({
    model: 'oai/gpt-x', max_tokens: 1000, tools: [shot], betas: ['context-management-2025-06-27'], messages,
    context_management: { edits: [{ type: 'clear_tool_uses_20250919', trigger: { type: 'input_tokens', value: 2000 }, keep: { type: 'tool_uses', value: 1 } }] },
  });
  expect(reply.content[0]).toMatchObject({ type: 'text', text: 'Done.' });

  const sent = (up.requests[0]!.body as { messages: Array<{ role: string; tool_call_id?: string; content: unknown }> }).messages;
  const results = sent.filter((m) => m.role === 'tool');
  expect(results.map((m) => m.content)).toEqual([CLEARED, CLEARED, CLEARED, 'Page 3']);
  // Only the kept result's image is still sent.
  expect(JSON.stringify(sent).split(PNG).length - 1).toBe(1);
});
