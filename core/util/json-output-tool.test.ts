import { describe, expect, test } from 'bun:test';
import type { ResponseFormat } from '../types/hub.ts';
import { JSON_OUTPUT_TOOL, JSON_TOOL_DESCRIPTION, JSON_TOOL_WRAPPED_DESCRIPTION, jsonOutputTool, jsonToolAnswer, toolNamesIn, type JsonOutputToolOptions } from './json-output-tool.ts';

/** Roots a typeless schema the way a test can tell apart from any built-in rule. */
const objectRoot = (schema: Record<string, unknown>) => (schema.type === undefined ? { type: 'object', rooted: true, ...schema } : schema);
const KEEP: JsonOutputToolOptions = { objectRoot, keepEmptyDescription: true };
const schema = (s: Record<string, unknown>, description?: string): ResponseFormat =>
  ({ type: 'json_schema', name: 'person', schema: s, ...(description !== undefined ? { description } : {}) });
const PERSON = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

describe('jsonOutputTool', () => {
  test('no format or text: no tool', () => {
    expect(jsonOutputTool(undefined, KEEP)).toBeUndefined();
    expect(jsonOutputTool({ type: 'text' }, KEEP)).toBeUndefined();
  });

  test('json: any object, the plain default description', () => {
    expect(jsonOutputTool({ type: 'json' }, KEEP)).toEqual({
      name: JSON_OUTPUT_TOOL, description: JSON_TOOL_DESCRIPTION, schema: { type: 'object', additionalProperties: true }, wrapped: false,
    });
  });

  test('json_schema with an object root: the schema as the provider roots it, the format description', () => {
    expect(jsonOutputTool(schema(PERSON, 'A person.'), KEEP)).toEqual({ name: 'json_output', description: 'A person.', schema: PERSON, wrapped: false });
    expect(jsonOutputTool(schema({ properties: { a: {} } }), KEEP)!.schema).toEqual({ type: 'object', rooted: true, properties: { a: {} } });
  });

  test('another root goes wrapped as {value}, with the description that says so', () => {
    const tool = jsonOutputTool(schema({ type: 'array', items: { type: 'string' } }), KEEP)!;
    expect(tool.wrapped).toBe(true);
    expect(tool.description).toBe(JSON_TOOL_WRAPPED_DESCRIPTION);
    expect(tool.schema).toEqual({ type: 'object', properties: { value: { type: 'array', items: { type: 'string' } } }, required: ['value'], additionalProperties: false });
  });

  test('an empty description is kept or replaced, as the provider says', () => {
    expect(jsonOutputTool(schema(PERSON, ''), KEEP)!.description).toBe('');
    expect(jsonOutputTool(schema(PERSON, ''), { ...KEEP, keepEmptyDescription: false })!.description).toBe(JSON_TOOL_DESCRIPTION);
  });

  test('taken names move the tool to the first free json_output_<n>; without them it keeps json_output', () => {
    expect(jsonOutputTool({ type: 'json' }, { ...KEEP, takenNames: ['get_weather'] })!.name).toBe('json_output');
    expect(jsonOutputTool({ type: 'json' }, { ...KEEP, takenNames: ['json_output', 'json_output_2'] })!.name).toBe('json_output_3');
    expect(jsonOutputTool({ type: 'json' }, KEEP)!.name).toBe('json_output');
  });
});

describe('jsonToolAnswer', () => {
  test('a wrapped call gives its value; an unwrapped one, or a wrapped one without value, its input', () => {
    expect(jsonToolAnswer({ value: ['a', 'b'] }, true)).toEqual(['a', 'b']);
    expect(jsonToolAnswer({ value: null }, true)).toBeNull();
    expect(jsonToolAnswer({ value: 1 }, false)).toEqual({ value: 1 });
    expect(jsonToolAnswer({ value: 1 })).toEqual({ value: 1 });
    expect(jsonToolAnswer({ other: 1 }, true)).toEqual({ other: 1 });
    expect(jsonToolAnswer('text', true)).toBe('text');
    expect(jsonToolAnswer(null, true)).toBeNull();
  });
});

describe('toolNamesIn', () => {
  test('the request\'s tools and the calls of its history, so the JSON tool takes neither', () => {
    const req = {
      tools: [{ name: 'read_file', parameters: {} }],
      messages: [
        { role: 'user' as const, content: [{ type: 'text' as const, text: 'go' }] },
        { role: 'assistant' as const, content: [{ type: 'tool-call' as const, id: 'c1', name: 'json_output', arguments: '{}' }] },
      ],
    };
    expect([...toolNamesIn(req as never)]).toEqual(['read_file', 'json_output']);
    expect(jsonOutputTool({ type: 'json' }, { ...KEEP, takenNames: toolNamesIn(req as never) })!.name).toBe('json_output_2');
  });
});

