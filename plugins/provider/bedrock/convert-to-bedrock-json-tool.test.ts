import { describe, expect, test } from 'bun:test';
import type { ChatRequest, Message, ResponseFormat } from '../../../core/types/hub.ts';
import { convertToBedrockJsonTool } from './convert-to-bedrock-json-tool.ts';
import { convertToBedrockRequest } from './convert-to-bedrock-request.ts';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const req = (responseFormat: ResponseFormat | undefined, extra: Partial<ChatRequest> = {}): ChatRequest =>
  ({ model: 'm', stream: false, messages: [user('hi')], ...(responseFormat ? { responseFormat } : {}), ...extra });
const PERSON = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false };
const schema = (s: Record<string, unknown>, description?: string): ResponseFormat => ({ type: 'json_schema', name: 'person', schema: s, ...(description ? { description } : {}) });
const weather = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const toolConfig = (r: ChatRequest, model = CLAUDE) => convertToBedrockRequest(r, model).toolConfig as { tools: any[]; toolChoice?: unknown } | undefined;
const names = (r: ChatRequest) => toolConfig(r)?.tools.map((t) => t.toolSpec?.name ?? 'cachePoint');

describe('the structured-output tool', () => {
  test('json_schema: a tool whose input schema is the wanted one, forced by name', () => {
    expect(toolConfig(req(schema(PERSON, 'A person.')))).toEqual({
      tools: [{ toolSpec: { name: 'json_output', description: 'A person.', inputSchema: { json: PERSON } } }],
      toolChoice: { tool: { name: 'json_output' } },
    });
  });

  test('json (json_object): any object', () => {
    const spec = toolConfig(req({ type: 'json' }))!.tools[0].toolSpec;
    expect(spec.inputSchema.json).toEqual({ type: 'object', additionalProperties: true });
    expect(spec.description).toContain('calling this tool once');
  });

  test('a schema without a type is taken as an object; another root goes wrapped as {value}', () => {
    expect(toolConfig(req(schema({ properties: { a: { type: 'string' } } })))!.tools[0].toolSpec.inputSchema.json)
      .toEqual({ type: 'object', properties: { a: { type: 'string' } } });
    const list = { type: 'array', items: { type: 'string' }, $defs: { x: { type: 'string' } } };
    const tool = convertToBedrockJsonTool(req(schema(list)))!;
    expect(tool.wrapped).toBe(true);
    expect((tool.spec.toolSpec as any).inputSchema.json).toEqual({
      type: 'object', properties: { value: { type: 'array', items: { type: 'string' } } }, required: ['value'], additionalProperties: false, $defs: { x: { type: 'string' } },
    });
  });

  test('text, or no format: no tool, and the body is what it was', () => {
    expect(convertToBedrockJsonTool(req({ type: 'text' }))).toBeUndefined();
    expect(toolConfig(req({ type: 'text' }))).toBeUndefined();
    expect(convertToBedrockRequest(req(undefined, { tools: [weather] }), CLAUDE).toolConfig).toEqual({ tools: [{ toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: weather.parameters } } }] });
  });
});

describe('beside the client tools', () => {
  test('auto, required or no choice: the client tools first, the JSON tool last, choice any', () => {
    for (const toolChoice of [undefined, 'auto', 'required'] as const) {
      const r = req(schema(PERSON), { tools: [weather], ...(toolChoice ? { toolChoice } : {}) });
      expect([names(r), toolConfig(r)!.toolChoice]).toEqual([['get_weather', 'json_output'], { any: {} }]);
    }
  });

  test('a named client tool stays forced', () => {
    const r = req(schema(PERSON), { tools: [weather], toolChoice: { type: 'tool', name: 'get_weather' } });
    expect([names(r), toolConfig(r)!.toolChoice]).toEqual([['get_weather', 'json_output'], { tool: { name: 'get_weather' } }]);
  });

  test('none: the client tools stay out and the JSON tool is forced; with tool calls in the history they are declared', () => {
    const none = req(schema(PERSON), { tools: [weather], toolChoice: 'none' });
    expect([names(none), toolConfig(none)!.toolChoice]).toEqual([['json_output'], { tool: { name: 'json_output' } }]);
    const history: Message[] = [
      user('weather?'),
      { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'sunny' }] }] },
    ];
    const later = req(schema(PERSON), { tools: [weather], toolChoice: 'none', messages: history });
    expect([names(later), toolConfig(later)!.toolChoice]).toEqual([['get_weather', 'json_output'], { tool: { name: 'json_output' } }]);
    const bare = req(schema(PERSON), { messages: history });
    expect([names(bare), toolConfig(bare)!.toolChoice]).toEqual([['get_weather', 'json_output'], { tool: { name: 'json_output' } }]);
  });

  test('a client tool named json_output: the JSON tool takes the next free name', () => {
    const r = req(schema(PERSON), { tools: [{ ...weather, name: 'json_output' }, { ...weather, name: 'json_output_2' }] });
    expect(names(r)).toEqual(['json_output', 'json_output_2', 'json_output_3']);
    expect(convertToBedrockJsonTool(r)!.name).toBe('json_output_3');
  });

  test('Claude extended thinking: the choice is auto (Claude refuses a forced one beside thinking)', () => {
    const r = req(schema(PERSON), { reasoning: { effort: 'low' } });
    const body = convertToBedrockRequest(r, CLAUDE);
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect((body.toolConfig as any).toolChoice).toEqual({ auto: {} });
  });
});
