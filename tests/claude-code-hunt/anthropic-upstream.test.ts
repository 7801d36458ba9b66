/**
 * Claude Code's traffic (as `@anthropic-ai/sdk` sends it) through the gateway to an Anthropic
 * upstream. The passthrough lane: betas, version and `?beta=true` reach the upstream, the body
 * arrives with only `model` replaced, and the upstream's SSE bytes (recorded samples: ping,
 * thinking, tool_use, error events) come back unchanged. And a tool loop a fallback served: the
 * next turn, back on Anthropic with thinking on, must be a body the API accepts.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { openaiSse, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';
import { viewSdkError } from './sdk-error.ts';

const FIX = `${import.meta.dir}/../../../shared/fixtures/anthropic`;
const fixture = (name: string) => readFileSync(`${FIX}/${name}`, 'utf8');

const BETAS = ['claude-code-20250219', 'interleaved-thinking-2025-05-14', 'context-management-2025-06-27', 'fine-grained-tool-streaming-2025-05-14'];

let up: ScriptedUpstream;
let anth: MockAnthropic;
let gw: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  up = await startScriptedUpstream();
  anth = await startMockAnthropic({ apiKey: 'sk-ant-mock-1234567' });
  gw = await startTestGateway(`
providers:
  ant: { type: anthropic, base_url: "${up.origin}", keys: [sk-ant-1234567], allow_private_network: true }
  real: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-mock-1234567], allow_private_network: true }
  oai: { type: openai, base_url: "${up.origin}/v1", keys: [sk-oai-1234567], allow_private_network: true }
aliases:
  "claude-sonnet-4-5-20250929": ant/claude-sonnet-4-5-20250929
  "claude-opus-4-1-20250805": ant/claude-opus-4-1-20250805
combos:
  claude-opus-4-1: { models: [ real/claude-opus-4-1, oai/gpt-5 ] }
`);
  client = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.stop();
  await up?.stop();
  await anth?.stop();
});
beforeEach(() => {
  up.reset();
  anth.reset();
});

const read: Anthropic.Tool = {
  name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
  cache_control: { type: 'ephemeral' },
};

/** A Claude Code turn: system with a cache breakpoint, tools, thinking, metadata, context_management. */
function claudeCodeBody(model: string, messages: unknown[]): Record<string, unknown> {
  return {
    model, max_tokens: 32000, stream: true,
    system: [{ type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } }],
    tools: [read], tool_choice: { type: 'auto' }, thinking: { type: 'enabled', budget_tokens: 31999 }, temperature: 1,
    metadata: { user_id: 'user_0a1b_account_11111111-2222_session_33333333-4444' },
    context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
    messages,
  };
}

async function post(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${gw.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'anthropic-beta': BETAS.join(','), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('Claude Code → gateway → Anthropic upstream (passthrough)', () => {
  test('betas, version and ?beta=true reach the upstream; the body arrives with only the model replaced; the SSE bytes come back unchanged', async () => {
    const sse = fixture('stream-tool-use.sse');
    up.next({ sse: [sse.slice(0, 700), sse.slice(700)], headers: { 'request-id': 'req_upstream' } });
    const body = claudeCodeBody('claude-sonnet-4-5-20250929', [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: { type: 'ephemeral' } }] }]);
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/event-stream');
    expect(await res.text()).toBe(sse);
    const sent = up.requests[0]!;
    expect(sent.path).toBe('/v1/messages?beta=true');
    expect(sent.headers['anthropic-beta']).toBe(BETAS.join(','));
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['x-api-key']).toBe('sk-ant-1234567');
    expect(JSON.stringify(sent.body)).toBe(JSON.stringify({ ...body, model: 'claude-sonnet-4-5-20250929' }));
  });

  test('the SDK parses the relayed thinking stream; signed thinking and redacted_thinking go back to the upstream unchanged', async () => {
    up.next({ sse: [fixture('stream-thinking-sdk-fixture.sse')] }, { sse: [fixture('stream-text.sse')] });
    const first = await client.beta.messages.stream({
      model: 'claude-opus-4-1-20250805', max_tokens: 32000, betas: BETAS, thinking: { type: 'enabled', budget_tokens: 31999 },
      messages: [{ role: 'user', content: 'Think, then answer.' }],
    }).finalMessage();
    const thinking = first.content.find((b) => b.type === 'thinking') as Anthropic.Beta.BetaThinkingBlock;
    expect(thinking.thinking.length).toBeGreaterThan(0);
    expect(thinking.signature.length).toBeGreaterThan(0);

    const history = [
      { role: 'user', content: 'Think, then answer.' },
      { role: 'assistant', content: [...first.content, { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' }] },
      { role: 'user', content: 'And now?' },
    ];
    const res = await post(claudeCodeBody('claude-sonnet-4-5-20250929', history));
    expect(await res.text()).toBe(fixture('stream-text.sse'));
    const sent = up.requests[1]!.body as { messages: Array<{ content: unknown }> };
    expect(sent.messages[1]!.content).toEqual(history[1]!.content);
  });

  test('an error event after content: the content, then exactly one overloaded_error event; the SDK throws it', async () => {
    const events = fixture('stream-text.sse').split('\n\n').filter(Boolean).map((e) => `${e}\n\n`);
    const before = events.slice(0, 4).join('');
    up.next({ sse: [before, fixture('stream-error-event.sse')] }, { sse: [before, fixture('stream-error-event.sse')] });
    const res = await post(claudeCodeBody('claude-sonnet-4-5-20250929', [{ role: 'user', content: 'hi' }]));
    const text = await res.text();
    expect(text.startsWith(before)).toBe(true);
    const rest = text.slice(before.length).trim().split('\n');
    expect(rest[0]).toBe('event: error');
    expect(JSON.parse(rest[1]!.slice('data: '.length)).error.type).toBe('overloaded_error');
    expect(rest).toHaveLength(2);

    const err = await client.messages.stream({ model: 'claude-opus-4-1-20250805', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(viewSdkError(err).type).toBe('overloaded_error');
  });

  test('an error event before any content is an HTTP 529 overloaded_error; a 429 keeps its retry-after', async () => {
    const start = fixture('stream-text.sse').split('\n\n')[0] + '\n\n';
    up.next({ sse: [start, fixture('stream-error-event.sse')] });
    const overloaded = await client.messages.create({ model: 'claude-opus-4-1-20250805', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect(viewSdkError(overloaded).status).toBe(529);
    expect(viewSdkError(overloaded).type).toBe('overloaded_error');

    up.next({ status: 429, json: { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } }, headers: { 'retry-after': '17' } });
    const limited = await client.messages.create({ model: 'claude-opus-4-1-20250805', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(viewSdkError(limited).retryAfter).toBe('17');
    expect(viewSdkError(limited).message).toContain('per-minute rate limit');
  });

  test('a non-streamed call: the upstream JSON comes back as it was sent', async () => {
    const json = JSON.parse(fixture('message.json'));
    up.next({ json });
    const res = await post({ ...claudeCodeBody('claude-sonnet-4-5-20250929', [{ role: 'user', content: 'hi' }]), stream: false });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(JSON.stringify(json));
  });

  test('a tool loop a fallback served without thinking continues on Anthropic with thinking on', async () => {
    // Turn 1: Anthropic is overloaded, the combo's next target (an OpenAI model that shows no
    // reasoning) answers with a tool call.
    anth.script([{ overloaded: true }]);
    up.next({
      sse: openaiSse([
        { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5', choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'Read', arguments: '{"file_path":"/a"}' } }] }, finish_reason: null }] },
        { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      ]),
    });
    const messages: Anthropic.Beta.BetaMessageParam[] = [{ role: 'user', content: 'Read /a' }];
    const first = await client.beta.messages.stream({
      model: 'claude-opus-4-1', max_tokens: 32000, betas: BETAS, thinking: { type: 'enabled', budget_tokens: 31999 }, tools: [read], messages,
    }).finalMessage();
    expect(first.content.map((b) => b.type)).toEqual(['tool_use']);
    const call = first.content[0] as Anthropic.Beta.BetaToolUseBlock;

    // Turn 2: the tool result goes to Anthropic again (it recovered).
    const second = await client.beta.messages.stream({
      model: 'claude-opus-4-1', max_tokens: 32000, betas: BETAS, thinking: { type: 'enabled', budget_tokens: 31999 }, tools: [read],
      messages: [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'file a' }] }],
    }).finalMessage().catch((e: unknown) => e);
    expect(second).not.toBeInstanceOf(Error);
    expect((second as Anthropic.Beta.BetaMessage).stop_reason).toBe('end_turn');
    const sent = anth.requests.at(-1)!;
    expect(sent.headers['anthropic-beta']).toBe(BETAS.join(','));
    expect((sent.body as { thinking?: unknown }).thinking).toBeUndefined();
    expect((sent.body as { tools: Array<{ cache_control?: unknown }> }).tools[0]!.cache_control).toEqual({ type: 'ephemeral' });
  });
});
