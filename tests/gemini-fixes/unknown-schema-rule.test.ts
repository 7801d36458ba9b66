/**
 * Gemini refuses tool schemas by rules it does not publish, and a new MCP server can meet one the
 * gateway's sanitizer does not know yet. Its 400 names the place ("…function_declarations[1]
 * .parameters.properties[filter]…"); the gateway sends the turn once more with that parameter
 * asked for as JSON text, hands the client's tool the value it expects, and asks for it that way
 * in the model's later turns. The rule below is modelled on how Gemini words schema errors.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../core/errors/gateway-error.ts';
import { refusedToolProperties, withPropertiesAsText } from '../../plugins/provider/gemini/schema-as-text.ts';
import { useGeminiKit } from './gemini-kit.ts';

type Json = Record<string, any>;

/** Refuses a union of more than two branches under `filter`. */
function rule(decl: Json, at: string): string | undefined {
  const filter = decl.parameters?.properties?.filter;
  return filter?.anyOf?.length > 2 ? `* GenerateContentRequest.${at}.parameters.properties[filter].any_of: at most 2 schemas are supported\n` : undefined;
}

const kit = useGeminiKit({ schemaRule: rule, callArgs: { query: 'todo', filter: '{"kind":"file","path":"src/a.ts"}' } });

const TOOLS: Anthropic.Tool[] = [
  { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
  {
    name: 'mcp__index__search',
    input_schema: {
      type: 'object',
      properties: {
        query: { type: 'string' },
        filter: {
          description: 'What to search',
          anyOf: [
            { type: 'object', properties: { kind: { const: 'file' }, path: { type: 'string' } } },
            { type: 'object', properties: { kind: { const: 'symbol' }, name: { type: 'string' } } },
            { type: 'object', properties: { kind: { const: 'commit' }, sha: { type: 'string' } } },
          ],
        },
      },
      required: ['query'],
    },
  },
];

const ask = () => kit.anthropic.messages.create({
  model: 'gem/gemini-2.5-flash', max_tokens: 500, tools: TOOLS,
  tool_choice: { type: 'tool', name: 'mcp__index__search' },
  messages: [{ role: 'user', content: 'Find the TODOs' }],
});

describe('a schema rule the sanitizer does not know', () => {
  test('the refused parameter goes as JSON text; the tool gets its object; the next turn goes fitted at once', async () => {
    const msg = await ask();
    expect(msg.content.find((b) => b.type === 'tool_use')).toMatchObject({
      name: 'mcp__index__search', input: { query: 'todo', filter: { kind: 'file', path: 'src/a.ts' } },
    });
    expect(kit.mock.requests).toHaveLength(2);
    const sent = (kit.mock.requests[1]!.body as Json).tools[0].functionDeclarations[1].parameters.properties;
    expect(sent.filter).toEqual({ type: 'string', description: 'What to search (its value written as JSON text)' });
    expect(sent.query).toEqual({ type: 'string' });
    await ask();
    expect(kit.mock.requests).toHaveLength(3);
  });
});

describe('refusedToolProperties', () => {
  const body = {
    contents: [],
    tools: [{ functionDeclarations: [
      { name: 'a', parameters: { type: 'object', properties: { x: { type: 'string' }, comments: { anyOf: [{ type: 'string' }, { type: 'number' }] } } } },
      { name: 'create_review', parameters: { type: 'object', properties: { comments: { type: 'array', items: { type: 'string' } } } } },
    ] }],
  };
  const refusal = (message: string) => new GatewayError('GW_UPSTREAM_ERROR', message, { status: 400, upstream: { status: 400, message } });

  test('by place (Gemini API) and by name (Vertex), several at once; nothing for a parameter it does not hold', () => {
    const found = refusedToolProperties(refusal(
      '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[comments].any_of[0]: bad\n'
      + 'Unable to submit request because `create_review` functionDeclaration `parameters.comments` schema specified other fields alongside any_of.\n'
      + '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[nope]: bad',
    ), body);
    expect(found).toEqual(new Map([['a', new Set(['comments'])], ['create_review', new Set(['comments'])]]));
    const fixed = withPropertiesAsText(body, found);
    expect(fixed.tools![0]!.functionDeclarations![1]!.parameters!.properties).toEqual({ comments: { type: 'string', description: '(its value written as JSON text)' } });
    expect(refusedToolProperties(refusal('* GenerateContentRequest.contents[0].parts[0].text: bad'), body).size).toBe(0);
    expect(refusedToolProperties(refusal('* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[comments]: x'), fixed).size).toBe(0);
  });
});
