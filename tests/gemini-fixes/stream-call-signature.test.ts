/**
 * Gemini 3 puts the thought signature of a reply with function calls on the first
 * `functionCall` part, and checks it there on the next turn. A streamed reply sends the thoughts
 * first (no signature) and the signed call after them: the signature must come back on the
 * call, not on the thoughts, whatever the client dialect, and the JSON reply must agree.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { geminiSse, startScriptedUpstream, type ScriptedUpstream } from '../claude-code-hunt/scripted-upstream.ts';

type Json = Record<string, unknown>;
type Part = Json & { functionCall?: Json; thought?: boolean; thoughtSignature?: string };

const SIG = 'CiQBcallSignatureOfGemini3';
const SKIP = 'skip_thought_signature_validator';
const MODEL = 'gemini-3-pro-preview';

let up: ScriptedUpstream;
let gw: TestGateway;

beforeAll(async () => {
  up = await startScriptedUpstream();
  gw = await startTestGateway(`
providers:
  gem: { type: gemini, base_url: "${up.origin}", keys: [AIza-test-1234567], allow_private_network: true }
aliases:
  g3: gem/${MODEL}
`);
});
afterAll(async () => {
  await gw?.stop();
  await up?.stop();
});
beforeEach(() => up.reset());

const head = { modelVersion: MODEL, responseId: 'resp-g3' };
const thoughts = { text: 'I should read the file first.', thought: true };
const call = { functionCall: { name: 'read_file', args: { path: '/src/a.ts' } }, thoughtSignature: SIG };
const usage = { promptTokenCount: 50, candidatesTokenCount: 10, thoughtsTokenCount: 8, totalTokenCount: 68 };

/** Gemini 3's streamed shape: the thoughts in one chunk, the signed call in the next. */
const streamed = () => ({
  sse: geminiSse([
    { candidates: [{ content: { role: 'model', parts: [thoughts] }, index: 0 }], ...head },
    { candidates: [{ content: { role: 'model', parts: [call] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage, ...head },
  ]),
});
/** The same reply as `generateContent` answers it. */
const json = () => ({ json: { candidates: [{ content: { role: 'model', parts: [thoughts, call] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage, ...head } });
const answer = () => ({ json: { candidates: [{ content: { role: 'model', parts: [{ text: 'Done.' }] }, finishReason: 'STOP', index: 0 }], ...head } });

/** The model turn of the second upstream request. */
function replayedModelTurn(): Part[] {
  const contents = (up.requests[1]!.body as { contents: Array<{ role: string; parts: Part[] }> }).contents;
  const model = contents.filter((c) => c.role === 'model');
  expect(model).toHaveLength(1);
  return model[0]!.parts;
}

function expectSignatureOnCall(parts: Part[]): void {
  const calls = parts.filter((p) => p.functionCall);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.thoughtSignature).toBe(SIG);
  // Once, and only on the call: a signature on a thought part is not where Gemini 3 looks.
  expect(parts.filter((p) => p.thoughtSignature !== undefined)).toHaveLength(1);
  expect(JSON.stringify(parts)).not.toContain(SKIP);
}

const tool: Anthropic.Tool = { name: 'read_file', description: 'Reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } };

describe('Gemini 3 thought signature of a function call, next turn', () => {
  for (const mode of ['stream', 'json'] as const) {
    test(`Anthropic client (${mode}): the signature goes back on the functionCall part`, async () => {
      const client = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
      up.next(mode === 'stream' ? streamed() : json(), answer());
      const params = { model: 'g3', max_tokens: 4000, thinking: { type: 'enabled' as const, budget_tokens: 2000 }, tools: [tool] };
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Read a.ts' }];
      const first = mode === 'stream'
        ? await client.messages.stream({ ...params, messages }).finalMessage()
        : await client.messages.create({ ...params, messages });
      // The thinking text unsigned, the call's signature in a block of its own, then the call.
      expect(first.content.map((b) => b.type)).toEqual(['thinking', 'thinking', 'tool_use']);
      expect(first.content[0]).toMatchObject({ thinking: thoughts.text, signature: '' });
      expect((first.content[1] as Anthropic.ThinkingBlock).signature).toContain(SIG);
      const use = first.content[2] as Anthropic.ToolUseBlock;
      await client.messages.create({
        ...params,
        messages: [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'export {}' }] }],
      });
      expectSignatureOnCall(replayedModelTurn());
    });

    test(`OpenAI Responses client (${mode}, encrypted reasoning): the signature goes back on the functionCall part`, async () => {
      const client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
      up.next(mode === 'stream' ? streamed() : json(), answer());
      const params = {
        model: 'g3', store: false, include: ['reasoning.encrypted_content' as const], reasoning: { effort: 'medium' as const },
        tools: [{ type: 'function' as const, name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, strict: false }],
      };
      const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'Read a.ts' }];
      const first = mode === 'stream'
        ? await client.responses.stream({ ...params, input }).finalResponse()
        : await client.responses.create({ ...params, input });
      const fc = first.output.find((o) => o.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
      expect(fc).toBeDefined();
      await client.responses.create({
        ...params,
        input: [...input, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: fc.call_id, output: 'export {}' }],
      });
      expectSignatureOnCall(replayedModelTurn());
    });
  }

  test('OpenAI Chat client: no field carries a signature, so the call gets the documented dummy (stream and JSON alike)', async () => {
    const client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const tools: OpenAI.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
    for (const mode of ['stream', 'json'] as const) {
      up.reset();
      up.next(mode === 'stream' ? streamed() : json(), answer());
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Read a.ts' }];
      let callId = '';
      let reasoning = '';
      if (mode === 'stream') {
        const stream = await client.chat.completions.create({ model: 'g3', messages, tools, reasoning_effort: 'medium', stream: true });
        for await (const c of stream) {
          const d = c.choices[0]?.delta as { reasoning_content?: string; tool_calls?: Array<{ id?: string }> } | undefined;
          reasoning += d?.reasoning_content ?? '';
          callId ||= d?.tool_calls?.[0]?.id ?? '';
        }
      } else {
        const res = await client.chat.completions.create({ model: 'g3', messages, tools, reasoning_effort: 'medium' });
        reasoning = (res.choices[0]!.message as { reasoning_content?: string }).reasoning_content ?? '';
        callId = res.choices[0]!.message.tool_calls![0]!.id;
      }
      expect(reasoning).toBe(thoughts.text);
      await client.chat.completions.create({
        model: 'g3', tools,
        messages: [...messages,
          { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'read_file', arguments: '{"path":"/src/a.ts"}' } }], reasoning_content: reasoning } as OpenAI.Chat.ChatCompletionMessageParam,
          { role: 'tool', tool_call_id: callId, content: 'export {}' }],
      });
      const parts = replayedModelTurn();
      expect(parts.map((p) => p.thoughtSignature)).toEqual([SKIP]);
      expect(parts[0]!.functionCall).toMatchObject({ name: 'read_file' });
    }
  });
});
