import { describe, expect, test } from 'bun:test';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest, Message, ToolDefinition } from '../../../core/types/hub.ts';
import { estimateTokens, toolsTokens } from '../../../core/util/estimate-tokens.ts';
import { shortenRequest } from './shorten-request.ts';

const text = (role: Message['role'], t: string): Message => ({ role, content: [{ type: 'text', text: t }] });

/** A coding session of `rounds` tool rounds with 4,000-character results (about 1,010 tokens a round). */
function session(rounds: number): Message[] {
  const m: Message[] = [text('system', 'You are a coding agent.'), text('user', 'Fix the failing test in src/app.ts')];
  for (let i = 0; i < rounds; i++) {
    m.push(
      { role: 'assistant', content: [{ type: 'tool-call', id: `c${i}`, name: 'read_file', arguments: `{"path":"src/f${i}.ts"}` }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: `c${i}`, content: [{ type: 'text', text: `file ${i} `.padEnd(4000, 'x') }] }] },
    );
  }
  m.push(text('assistant', 'I found it.'), text('user', 'Now run the tests.'));
  return m;
}

/** A tool whose JSON schema alone is about 10,000 tokens (an MCP server's long descriptions). */
const bigTool: ToolDefinition = {
  name: 'query_db', description: 'Runs a query.',
  parameters: { type: 'object', properties: { sql: { type: 'string', description: 'd'.repeat(40_000) } } },
};

const request = (body: ChatRequest): GatewayRequest => ({ operation: 'chat', model: body.model, stream: false, body, raw: { model: body.model } });

describe('shortenRequest', () => {
  test('the declared tools are a fixed cost: the messages are cut until the whole prompt fits', () => {
    const chat: ChatRequest = { model: 'm', stream: false, messages: session(10), tools: [bigTool] };
    const est = estimateTokens(chat);
    expect(toolsTokens(chat.tools)).toBeGreaterThan(10_000);
    expect(est).toBeGreaterThan(20_000);
    // The upstream counted what we estimate; 16,000 fit, so the goal is 14,400 with 10 % to spare.
    const out = shortenRequest(request(chat), { limit: 16_000, prompt: est })!;
    const body = out.req.body as ChatRequest;
    expect(out.tokens).toBe(estimateTokens(body));
    expect(out.tokens).toBeLessThanOrEqual(14_400);
    // Whole rounds (about 1,010 tokens each) go, no more than needed.
    expect(out.tokens).toBeGreaterThan(14_400 - 1_100);
    expect(out.truncated).toBe(0);
    expect(out.dropped).toBe(chat.messages.length - body.messages.length);
    expect(body.tools).toBe(chat.tools);
    expect(out.req.raw).toBeUndefined();
  });

  test('without tools the goal is the same share of the messages', () => {
    const chat: ChatRequest = { model: 'm', stream: false, messages: session(10) };
    const est = estimateTokens(chat);
    const out = shortenRequest(request(chat), { limit: 8_000, prompt: est })!;
    expect(out.tokens).toBeLessThanOrEqual(7_200);
    expect(out.tokens).toBeGreaterThan(7_200 - 1_100);
    // No sizes named: half of what was sent.
    const half = shortenRequest(request(chat), {})!;
    expect(half.tokens).toBeLessThanOrEqual(est / 2);
    expect(half.tokens).toBeGreaterThan(est / 2 - 1_100);
  });

  test('nothing left to remove: undefined', () => {
    expect(shortenRequest(request({ model: 'm', stream: false, messages: [text('user', 'hi')], tools: [bigTool] }), { limit: 100, prompt: 20_000 })).toBeUndefined();
  });
});
