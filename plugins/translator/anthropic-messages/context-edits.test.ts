/**
 * Claude Code asks for context editing (`context_management.edits: clear_tool_uses`). The
 * Anthropic API does it itself; routed to another upstream, the gateway does it. The Anthropic
 * SDK is the client; an OpenAI mock and an Anthropic mock record what they get.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../../../tests/helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';
import { CLEARED } from './apply-context-edits.ts';

let oai: MockOpenAI;
let anth: MockAnthropic;
let t: TestGateway;
let claude: Anthropic;

beforeAll(async () => {
  oai = await startMockOpenAI();
  anth = await startMockAnthropic();
  t = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${oai.url}", keys: [sk-oai-1234567], allow_private_network: true }
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
  glm: { preset: zai, base_url: "${anth.origin}", keys: [sk-zai-test-123456], allow_private_network: true }
`);
  claude = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await oai.stop();
  await anth.stop();
});

const read: Anthropic.Tool = { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } };

/** A Claude Code tool loop of four file reads, asking for clear_tool_uses past ~1,000 tokens, keeping 1. */
function request(model: string): Anthropic.MessageCreateParamsNonStreaming & { context_management: unknown } {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Review the four files' }];
  for (let i = 0; i < 4; i++) {
    messages.push(
      { role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${i}`, name: 'Read', input: { path: `f${i}.ts` } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: `file ${i}: `.padEnd(2000, 'x') }] },
    );
  }
  messages.push({ role: 'assistant', content: 'Reviewed.' }, { role: 'user', content: 'Summarize' });
  return {
    model, max_tokens: 256, tools: [read], messages,
    context_management: { edits: [{ type: 'clear_tool_uses_20250919', trigger: { type: 'input_tokens', value: 1000 }, keep: { type: 'tool_uses', value: 1 } }] },
  };
}

describe('context_management on any upstream', () => {
  test('an OpenAI upstream gets the older tool results cleared, the last one whole', async () => {
    const r = await claude.messages.create(request('oai/gpt-4o') as Anthropic.MessageCreateParamsNonStreaming);
    expect(r.content[0]).toMatchObject({ type: 'text', text: 'Summarize' });
    const sent = oai.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }>; context_management?: unknown };
    expect(sent.context_management).toBeUndefined();
    const tools = sent.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(tools.slice(0, 3)).toEqual([CLEARED, CLEARED, CLEARED]);
    expect(tools[3]).toStartWith('file 3: xxx');
  });

  test('the Anthropic API does it itself: the request passes as sent', async () => {
    await claude.messages.create(request('anth/claude-sonnet-4-5') as Anthropic.MessageCreateParamsNonStreaming);
    const sent = anth.lastBody() as unknown as { context_management: unknown; messages: Array<{ content: unknown }> };
    expect(sent.context_management).toEqual(request('x').context_management);
    expect(JSON.stringify(sent.messages)).not.toContain(CLEARED);
  });

  test('an Anthropic-format vendor that ignores the field (the zai preset\'s quirk) gets the edit done by the gateway', async () => {
    await claude.messages.create(request('glm/glm-4.6') as Anthropic.MessageCreateParamsNonStreaming);
    const sent = anth.lastBody() as unknown as { messages: Array<{ content: unknown }> };
    expect(JSON.stringify(sent.messages).split(CLEARED).length - 1).toBe(3);
    expect(anth.requests.at(-1)!.headers.authorization).toBe('Bearer sk-zai-test-123456');
  });

  test('under the trigger nothing changes', async () => {
    const body = request('oai/gpt-4o');
    body.context_management = { edits: [{ type: 'clear_tool_uses_20250919' }] }; // 100,000 tokens
    await claude.messages.create(body as Anthropic.MessageCreateParamsNonStreaming);
    expect(JSON.stringify(oai.requests.at(-1)!.body)).not.toContain(CLEARED);
  });
});
