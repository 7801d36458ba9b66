/**
 * Structured output whose schema root is not an object — the Gemini docs' own example is a
 * `type: ARRAY` response schema — translated to upstreams that take object roots only:
 * Anthropic (the forced tool's `input_schema`) and OpenAI (`response_format`). The schema goes
 * as `{value: <schema>}` and the client, here the official `@google/genai` SDK, gets the bare
 * array, streamed or not.
 */
import { Type, type GenerateContentResponse } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import {
  anthropicEvents, anthropicMessage, anthropicStream, openaiChunk, openaiCompletion, openaiStream, openaiUsage,
} from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  ant: { type: anthropic, base_url: UPSTREAM, keys: [sk-ant-upstream-1], allow_private_network: true, models: [claude-sonnet-4-5] }
  oai: { type: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true, models: [gpt-4o] }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

const RECIPES = { type: Type.ARRAY, items: { type: Type.OBJECT, properties: { recipeName: { type: Type.STRING } }, required: ['recipeName'] } };
const config = { responseMimeType: 'application/json', responseSchema: RECIPES, thinkingConfig: { thinkingBudget: 0 } };
const VALUE = [{ recipeName: 'Chocolate chip' }, { recipeName: 'Oatmeal raisin' }];
const WANTED = { type: 'array', items: { type: 'object', properties: { recipeName: { type: 'string' } }, required: ['recipeName'] } };

async function textOf(stream: AsyncGenerator<GenerateContentResponse>): Promise<string> {
  let text = '';
  for await (const c of stream) text += c.text ?? '';
  return text;
}

describe('an array-root response schema to Anthropic', () => {
  test('non-streamed: the forced tool takes {value: [...]}; the SDK gets the array', async () => {
    h.up.next(anthropicMessage([{ type: 'tool_use', id: 'toolu_1', name: 'json_output', input: { value: VALUE } }], 'tool_use'));
    const r = await h.ai.models.generateContent({ model: 'ant/claude-sonnet-4-5', contents: 'List two cookie recipes.', config });
    expect(JSON.parse(r.text!)).toEqual(VALUE);
    const tool = (h.up.requests[0]!.body.tools as Array<{ name: string; input_schema: Record<string, unknown> }>)[0]!;
    expect(tool.input_schema).toMatchObject({ type: 'object', properties: { value: WANTED }, required: ['value'] });
  });

  test('streamed: the value streams out bare', async () => {
    const input = JSON.stringify({ value: VALUE });
    const events = anthropicEvents([{ type: 'tool_use', id: 'toolu_1', name: 'json_output', input: {} }], 'tool_use');
    // The tool input in fragments, as the API streams it.
    const at = events.findIndex((e) => e.type === 'content_block_delta');
    events.splice(at, 1, ...[0, 7, 30, 55].map((from, i, cuts) => ({
      type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: input.slice(from, cuts[i + 1]) },
    })));
    h.up.next(anthropicStream(events));
    const text = await textOf(await h.ai.models.generateContentStream({ model: 'ant/claude-sonnet-4-5', contents: 'List two cookie recipes.', config }));
    expect(JSON.parse(text)).toEqual(VALUE);
  });
});

describe('an array-root response schema to OpenAI', () => {
  test('non-streamed: response_format carries {value: [...]}; the SDK gets the array', async () => {
    h.up.next(openaiCompletion({ content: JSON.stringify({ value: VALUE }) }, 'stop'));
    const r = await h.ai.models.generateContent({ model: 'oai/gpt-4o', contents: 'List two cookie recipes.', config });
    expect(JSON.parse(r.text!)).toEqual(VALUE);
    const format = h.up.requests[0]!.body.response_format as { type: string; json_schema: { schema: Record<string, unknown> } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.schema).toMatchObject({ type: 'object', properties: { value: WANTED }, required: ['value'], additionalProperties: false });
  });

  test('streamed: the value streams out bare', async () => {
    const content = JSON.stringify({ value: VALUE });
    h.up.next(openaiStream([
      openaiChunk({ role: 'assistant', content: content.slice(0, 5) }), openaiChunk({ content: content.slice(5, 40) }),
      openaiChunk({ content: content.slice(40) }), openaiChunk({}, 'stop'), openaiUsage(12, 20),
    ]));
    const text = await textOf(await h.ai.models.generateContentStream({ model: 'oai/gpt-4o', contents: 'List two cookie recipes.', config }));
    expect(JSON.parse(text)).toEqual(VALUE);
  });
});
