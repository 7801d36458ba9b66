/**
 * Claude Code's tool search answers with `tool_reference` blocks inside a tool result, which an
 * Anthropic-format endpoint without tool search refuses: Moonshot's "failed to convert tool
 * result content: unsupported content type in ContentBlockParamUnion: tool_reference" (Kimi-K2
 * #118). The history replays the block, so every later turn failed. The gateway sends the turn
 * once more with each reference as text naming the tool (such an endpoint gets every tool's
 * definition anyway: it refuses `defer_loading` too), and the model's later turns go so at once.
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit({
  mock: { refuseToolReferences: true, refuseFields: ['tool.defer_loading'] },
  config: '  kimi: { type: anthropic, base_url: "UPSTREAM", keys: [sk-ant-up-000001], allow_private_network: true }\n',
});

type Json = Record<string, any>;
const turn = () => kit.anthropic.messages.create({
  model: 'kimi/kimi-k2.5', max_tokens: 200,
  tools: [
    { name: 'ToolSearch', input_schema: { type: 'object', properties: { query: { type: 'string' } } } },
    { name: 'mcp__db__query', input_schema: { type: 'object', properties: { sql: { type: 'string' } } }, defer_loading: true },
  ],
  messages: [
    { role: 'user', content: 'how many users signed up today?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ToolSearch', input: { query: 'database' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'tool_reference', tool_name: 'mcp__db__query' }] }] },
  ],
} as unknown as Anthropic.MessageCreateParamsNonStreaming);

test('the references go as text (and the tools without defer_loading), and the next turn at once', async () => {
  const msg = await turn();
  expect(msg.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(3);
  const sent = kit.mock.requests[2]!.body as Json;
  expect(sent.messages[2].content[0].content).toEqual([{ type: 'text', text: 'Tool loaded: mcp__db__query' }]);
  expect(sent.tools[1]).not.toHaveProperty('defer_loading');
  await turn();
  expect(kit.mock.requests).toHaveLength(4);
  expect(kit.mock.requests[3]!.body).toEqual(sent);
});
