/**
 * Claude Code with MCP servers, routed to Gemini. Gemini checks every tool of a request and
 * refuses the whole turn for one schema outside its subset ("items: missing field", "properties:
 * should be non-empty for OBJECT type", "When using any_of, it must be the only field set"…),
 * so one server made every turn fail. The mock enforces those rules; the tools below are the
 * shapes refused in the field. A map of headers cannot be described to Gemini: it is asked for
 * as JSON text, and the client gets the object back in its tool call.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, test } from 'bun:test';
import { useGeminiKit } from './gemini-kit.ts';

const kit = useGeminiKit({ callArgs: { url: 'https://example.com', headers: '{"Accept":"text/html","X-Trace":"1"}', tags: ['a'] } });

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'mcp__fetch__http_get',
    description: 'GET a URL',
    input_schema: {
      type: 'object',
      properties: {
        url: { type: 'string', format: 'uri' },
        headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Request headers' },
        tags: { type: 'array', description: 'Labels' },
      },
      required: ['url'],
    },
  },
  {
    name: 'mcp__github__create_pull_request_review',
    description: 'Review a pull request',
    input_schema: {
      type: 'object',
      properties: {
        comments: {
          type: 'array',
          items: {
            type: 'object',
            properties: { path: { type: 'string' }, line: { anyOf: [{ type: 'number' }, { type: 'string' }], description: 'Line or range' } },
          },
        },
        event: { type: 'string', enum: ['APPROVE', 'REQUEST_CHANGES', 'COMMENT'] },
      },
    },
  },
  {
    name: 'mcp__digitalocean__droplet_create',
    input_schema: { type: 'object', properties: { region: { type: 'string', items: { type: 'string', enum: ['nyc1', 'sfo3'] } }, size: { type: 'integer', enum: [1, 2] } } },
  },
];

const params = {
  model: 'gem/gemini-2.5-flash',
  max_tokens: 1024,
  tools: TOOLS,
  tool_choice: { type: 'tool' as const, name: 'mcp__fetch__http_get' },
  messages: [{ role: 'user' as const, content: 'Fetch example.com' }],
};

const EXPECTED_INPUT = { url: 'https://example.com', headers: { Accept: 'text/html', 'X-Trace': '1' }, tags: ['a'] };

describe('MCP tool schemas toward Gemini', () => {
  test('non-stream: Gemini takes the tools, and the tool call comes back with the headers as an object', async () => {
    const msg = await kit.anthropic.messages.create(params);
    const call = msg.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ name: 'mcp__fetch__http_get', input: EXPECTED_INPUT });
    const decl = (kit.mock.requests[0]!.body as any).tools[0].functionDeclarations[0];
    expect(decl.parameters.properties.headers).toEqual({ type: 'string', description: 'Request headers (a JSON object, written as JSON text)' });
  });

  test('stream: the same, with the input streamed as one JSON delta', async () => {
    const stream = kit.anthropic.messages.stream(params);
    const deltas: string[] = [];
    stream.on('inputJson', (partial) => deltas.push(partial));
    const msg = await stream.finalMessage();
    expect(msg.content.find((b) => b.type === 'tool_use')).toMatchObject({ input: EXPECTED_INPUT });
    expect(JSON.parse(deltas.join(''))).toEqual(EXPECTED_INPUT);
    expect(kit.mock.requests).toHaveLength(1);
  });
});
