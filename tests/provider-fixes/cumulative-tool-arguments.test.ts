/**
 * Some OpenAI-compatible servers stream a tool call's `arguments` cumulatively: each chunk
 * restates everything sent so far instead of adding to it. Appended as deltas (as every client
 * does), that gives `{"ci{"city":"Pa{"city":"Paris"}`, which no one can read, and Claude Code
 * refuses the call ("Invalid tool parameters") with a 200 that never fails over. On the lanes
 * that read the upstream's stream (clients of another format), a fragment that starts with all
 * the arguments received so far is read as a restatement: only what it adds is new.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { MODEL, startScriptedGateway, type ScriptedGateway } from '../passthrough-fixes/scripted-upstream.ts';

let g: ScriptedGateway;

beforeAll(async () => {
  g = await startScriptedGateway();
});
afterAll(async () => {
  await g?.stop();
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'mimo', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** A call whose arguments come as `fragments`, each sent as one chunk. */
function toolStream(fragments: string[]): string[] {
  return [
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
    ...fragments.map((f) => chunk({ tool_calls: [{ index: 0, function: { arguments: f } }] })),
    chunk({}, 'tool_calls'),
    'data: [DONE]\n\n',
  ];
}

const ARGS = { city: 'Paris', unit: 'C', note: 'say "hi" {not json}' };
const WHOLE = JSON.stringify(ARGS);
/** Cumulative: each fragment is the arguments so far. */
const CUMULATIVE = [WHOLE.slice(0, 5), WHOLE.slice(0, 17), WHOLE.slice(0, 30), WHOLE];
/** Incremental, as OpenAI sends them, split at the same places. */
const INCREMENTAL = [WHOLE.slice(0, 5), WHOLE.slice(5, 17), WHOLE.slice(17, 30), WHOLE.slice(30)];

const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];

describe.each([['cumulative', CUMULATIVE], ['incremental', INCREMENTAL]] as const)('arguments streamed %s', (_name, fragments) => {
  test('Anthropic client (Claude Code): the tool_use input is the object', async () => {
    g.next({ steps: toolStream([...fragments]) });
    const client = new Anthropic({ apiKey: g.t.key, baseURL: g.t.url, maxRetries: 0 });
    const message = await client.messages.stream({ model: MODEL.chat, max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather?' }] }).finalMessage();
    const use = message.content.find((b) => b.type === 'tool_use');
    expect(use?.type === 'tool_use' && use.input).toEqual(ARGS);
  });

  test('Gemini client: the functionCall args are the object', async () => {
    g.next({ steps: toolStream([...fragments]) });
    const ai = new GoogleGenAI({ apiKey: g.t.key, httpOptions: { baseUrl: g.t.url, apiVersion: 'v1beta' } });
    const calls: unknown[] = [];
    const stream = await ai.models.generateContentStream({
      model: MODEL.chat, contents: 'Weather?', config: { tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }] }] },
    });
    for await (const c of stream) calls.push(...(c.functionCalls ?? []).map((f) => f.args));
    expect(calls).toEqual([ARGS]);
  });

  test('Responses client (Codex): the function_call arguments are the JSON text', async () => {
    g.next({ steps: toolStream([...fragments]) });
    const openai = new OpenAI({ apiKey: g.t.key, baseURL: `${g.t.url}/v1`, maxRetries: 0 });
    const stream = openai.responses.stream({ model: MODEL.chat, input: 'Weather?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: false }] });
    const final = await stream.finalResponse();
    const call = final.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual(ARGS);
  });
});
