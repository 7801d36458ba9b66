/**
 * Codex's freeform `apply_patch` (a `custom` tool) served by Claude: the `openai` SDK as the
 * Responses client, the Anthropic mock as the upstream (it validates tool_use / tool_result
 * pairs), non-streamed, streamed, the next turn, and through a stored response.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockAnthropic, type MessagesBody, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';

const PATCH = '*** Begin Patch\n*** Update File: a.ts\n@@\n-export const a = 1;\n+export const a = 2;\n*** End Patch';
const GRAMMAR = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF';

const applyPatch = {
  type: 'custom', name: 'apply_patch', description: 'Use the `apply_patch` tool to edit files.',
  format: { type: 'grammar', syntax: 'lark', definition: GRAMMAR },
} as unknown as OpenAI.Responses.Tool;

let anth: MockAnthropic;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  anth = await startMockAnthropic({
    // Asked to patch, the model calls apply_patch with the patch as its one string argument.
    respond: (b: MessagesBody) => {
      const last = b.messages?.at(-1);
      const wantsPatch = JSON.stringify(last?.content ?? '').includes('please patch');
      if (!wantsPatch || !b.tools?.some((tool) => tool.name === 'apply_patch')) return undefined;
      return { content: [{ type: 'tool_use', id: 'toolu_patch1', name: 'apply_patch', input: { input: PATCH } }], stop_reason: 'tool_use' };
    },
  });
  t = await startTestGateway(`
providers:
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await anth.stop();
});

describe('custom tools on a non-Responses upstream', () => {
  test('the upstream gets a function with one string parameter; the client gets a custom_tool_call', async () => {
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'please patch a.ts', tools: [applyPatch], store: false });
    const sentTool = (anth.lastBody() as unknown as { tools: Array<Record<string, unknown>> }).tools[0]!;
    expect(sentTool.name).toBe('apply_patch');
    expect(String(sentTool.description)).toContain(GRAMMAR);
    expect(sentTool.input_schema).toMatchObject({ type: 'object', properties: { input: { type: 'string' } }, required: ['input'] });
    expect(r.output).toEqual([expect.objectContaining({ type: 'custom_tool_call', call_id: 'toolu_patch1', name: 'apply_patch', input: PATCH, status: 'completed' })]);
  });

  test('streamed: custom_tool_call_input events, and the final response holds the input', async () => {
    const types: string[] = [];
    const stream = client.responses.stream({ model: 'anth/claude-sonnet-4-5', input: 'please patch a.ts', tools: [applyPatch], store: false });
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(types).toContain('response.custom_tool_call_input.delta');
    expect(types).toContain('response.custom_tool_call_input.done');
    expect(types).not.toContain('response.function_call_arguments.delta');
    const call = final.output.find((o) => o.type === 'custom_tool_call');
    expect(call).toMatchObject({ name: 'apply_patch', input: PATCH, call_id: 'toolu_patch1' });
  });

  test('the next turn sends the call and its output back: tool_use and tool_result pair up upstream', async () => {
    const r = await client.responses.create({
      model: 'anth/claude-sonnet-4-5', tools: [applyPatch], store: false,
      input: [
        { role: 'user', content: 'please patch a.ts' },
        { type: 'custom_tool_call', call_id: 'toolu_patch1', name: 'apply_patch', input: PATCH },
        { type: 'custom_tool_call_output', call_id: 'toolu_patch1', output: 'Done!' },
      ] as OpenAI.Responses.ResponseInputItem[],
    });
    expect(r.output_text).toBe('The tool said: Done!');
    const sent = (anth.lastBody() as unknown as { messages: Array<{ content: Array<Record<string, unknown>> }> }).messages;
    expect(sent[1]!.content[0]).toMatchObject({ type: 'tool_use', id: 'toolu_patch1', name: 'apply_patch', input: { input: PATCH } });
    expect(sent[2]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_patch1' });
  });

  test('through a stored response: only the output is sent, the call comes from the store', async () => {
    const first = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'please patch a.ts', tools: [applyPatch] });
    await t.settled();
    const stored = await client.responses.retrieve(first.id);
    expect(stored.output[0]).toMatchObject({ type: 'custom_tool_call', input: PATCH });
    const next = await client.responses.create({
      model: 'anth/claude-sonnet-4-5', tools: [applyPatch], previous_response_id: first.id,
      input: [{ type: 'custom_tool_call_output', call_id: 'toolu_patch1', output: 'Done!' }] as OpenAI.Responses.ResponseInputItem[],
    });
    expect(next.output_text).toBe('The tool said: Done!');
  });
});
