/**
 * Upstream rate-limit headers on the passthrough lane: Codex shows the ChatGPT plan's usage from
 * `x-codex-*` response headers, OpenAI-style clients pace by `x-ratelimit-*`, Claude Code reads
 * `anthropic-ratelimit-*`. The gateway relays those (streamed and whole replies) and nothing
 * else of the upstream's head: no cookies, no organization ids, not the upstream's request id.
 * Headers the gateway's own plugins set (the rate-limit plugin's `x-ratelimit-*`) win.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { anthropicFrames, anthropicOpening, chatChunk, MODEL, responsesFailed, responsesOpening, startScriptedGateway, type ScriptedGateway } from './scripted-upstream.ts';

/** What an OpenAI / ChatGPT upstream answers with besides the rate-limit figures. */
const PRIVATE = {
  'set-cookie': '__cf_bm=upstream-cookie; path=/; HttpOnly',
  'openai-organization': 'org-gateway-operator',
  'openai-project': 'proj_gateway',
  'x-request-id': 'req_upstream_1',
};

const CODEX = {
  'x-codex-primary-used-percent': '42.5',
  'x-codex-primary-window-minutes': '300',
  'x-codex-primary-reset-at': '1760003600',
  'x-codex-secondary-used-percent': '12',
  'x-codex-secondary-window-minutes': '10080',
  'x-codex-credits-has-credits': 'false',
  'x-codex-credits-unlimited': 'false',
};

const OPENAI_LIMITS = {
  'x-ratelimit-limit-requests': '500',
  'x-ratelimit-remaining-requests': '499',
  'x-ratelimit-reset-requests': '120ms',
  'x-ratelimit-limit-tokens': '150000',
  'x-ratelimit-remaining-tokens': '149000',
  'x-ratelimit-reset-tokens': '400ms',
};

const ANTHROPIC_LIMITS = {
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-tokens-remaining': '390000',
  'anthropic-ratelimit-unified-status': 'allowed',
  'anthropic-ratelimit-unified-5h-utilization': '0.37',
};

let g: ScriptedGateway;

beforeAll(async () => {
  g = await startScriptedGateway();
});
afterAll(async () => {
  await g?.stop();
});

function expectRelayed(headers: Headers, relayed: Record<string, string>): void {
  for (const [k, v] of Object.entries(relayed)) expect([k, headers.get(k)]).toEqual([k, v]);
  expect(headers.get('set-cookie')).toBeNull();
  expect(headers.get('openai-organization')).toBeNull();
  expect(headers.get('openai-project')).toBeNull();
  expect(headers.get('x-request-id')).not.toBe('req_upstream_1');
  expect(headers.get('x-request-id')).toBeTruthy();
}

describe('passthrough relays the upstream\'s rate-limit headers', () => {
  test('Responses stream (Codex): x-codex-* and x-ratelimit-*, nothing private', async () => {
    g.next({ headers: { ...CODEX, ...OPENAI_LIMITS, ...PRIVATE }, steps: [responsesOpening('Hi'), responsesFailed({ code: 'server_error', message: 'x' }, 5)] });
    const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
    await res.text();
    expectRelayed(res.headers, { ...CODEX, ...OPENAI_LIMITS });
    expect(res.headers.get('content-type')).toStartWith('text/event-stream');
  });

  test('Anthropic stream through @anthropic-ai/sdk: anthropic-ratelimit-*', async () => {
    g.next({ headers: { ...ANTHROPIC_LIMITS, 'request-id': 'req_ant_upstream', 'anthropic-organization-id': 'org-uuid' }, steps: [
      anthropicOpening('Hi'),
      anthropicFrames([
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
        { type: 'message_stop' },
      ]),
    ] });
    const client = new Anthropic({ apiKey: g.t.key, baseURL: g.t.url, maxRetries: 0 });
    const { data, response } = await client.messages.create({ model: MODEL.anthropic, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    for await (const _ of data) { /* drain */ }
    for (const [k, v] of Object.entries(ANTHROPIC_LIMITS)) expect([k, response.headers.get(k)]).toEqual([k, v]);
    expect(response.headers.get('anthropic-organization-id')).toBeNull();
  });

  test('OpenAI Chat, streamed and whole, through the openai SDK: x-ratelimit-*', async () => {
    const client = new OpenAI({ apiKey: g.t.key, baseURL: `${g.t.url}/v1`, maxRetries: 0 });
    const finish = 'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-5-chat","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';
    g.next({ headers: { ...OPENAI_LIMITS, ...PRIVATE }, steps: [chatChunk('Hi'), finish, 'data: [DONE]\n\n'] });
    const streamed = await client.chat.completions.create({ model: MODEL.chat, stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    for await (const _ of streamed.data) { /* drain */ }
    expectRelayed(streamed.response.headers, OPENAI_LIMITS);

    g.next({
      headers: { ...OPENAI_LIMITS, ...PRIVATE },
      json: { id: 'chatcmpl-2', object: 'chat.completion', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
    });
    const whole = await client.chat.completions.create({ model: MODEL.chat, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(whole.data.choices[0]!.message.content).toBe('Hi');
    expectRelayed(whole.response.headers, OPENAI_LIMITS);
  });
});

describe('the gateway\'s own headers win', () => {
  let own: ScriptedGateway;
  beforeAll(async () => {
    own = await startScriptedGateway(`plugins:
  - rate-limit:
      keys: { rpm: 120 }
`);
  });
  afterAll(async () => {
    await own?.stop();
  });

  test('the rate-limit plugin\'s x-ratelimit-*-requests replace the upstream\'s; the rest is relayed', async () => {
    own.next({ headers: { ...OPENAI_LIMITS, ...CODEX }, steps: [responsesOpening('Hi'), responsesFailed({ code: 'server_error', message: 'x' }, 5)] });
    const res = await own.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
    await res.text();
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('120');
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('119');
    expect(res.headers.get('x-ratelimit-remaining-tokens')).toBe(OPENAI_LIMITS['x-ratelimit-remaining-tokens']);
    expect(res.headers.get('x-codex-primary-used-percent')).toBe(CODEX['x-codex-primary-used-percent']);
  });
});
