/**
 * Empty replies: an upstream that answers 200 and finishes without any text, reasoning text or
 * tool call (Gemini's empty candidates, Claude's empty end_turn, an overloaded free provider).
 * While another target of the plan can serve, the attempt fails (GW_UPSTREAM_EMPTY) and the
 * next target answers, invisibly to the client; the last target's empty reply reaches the client
 * as the provider sent it. A reply cut at its length limit before any content is not empty: it is
 * what the client asked for. The empty replies below are byte-real for each of the four upstream
 * formats, whole and streamed, and every client dialect asks through its official SDK.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startFourFormatUpstream, type FourFormatUpstream, type WireFormat } from '../helpers/four-format-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { DIALECTS } from '../oauth/sdk-kit.ts';

type Format = WireFormat;
const FORMATS: Format[] = ['openai', 'anthropic', 'responses', 'gemini'];

/** How the empty upstream answers: an empty reply, one cut at the length limit, one with only a signature. */
let variant: 'empty' | 'length' | 'signature-only' | 'pause' | 'custom-call' = 'empty';

const sse = (events: Array<{ event?: string; data: unknown }>, eol = '\n') =>
  events.map((e) => `${e.event ? `event: ${e.event}${eol}` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}${eol}${eol}`).join('');

function openaiEmpty(stream: boolean): string {
  const finish = variant === 'length' ? 'length' : 'stop';
  const head = { id: 'chatcmpl-empty', created: 1764230000, model: 'gpt-4o-mini', system_fingerprint: 'fp_e' };
  if (!stream) {
    return JSON.stringify({
      ...head, object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: '', refusal: null, annotations: [] }, logprobs: null, finish_reason: finish }],
      usage: { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 },
    });
  }
  const chunk = (choices: unknown[], extra: object = {}) => ({ ...head, object: 'chat.completion.chunk', choices, ...extra });
  return sse([
    { data: chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]) },
    { data: chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]) },
    { data: chunk([], { usage: { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 } }) },
    { data: '[DONE]' },
  ]);
}

function anthropicEmpty(stream: boolean): string {
  const stop = variant === 'length' ? 'max_tokens' : variant === 'pause' ? 'pause_turn' : 'end_turn';
  const message = { id: 'msg_empty', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [] as unknown[], stop_sequence: null };
  if (variant === 'signature-only') message.content = [{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' }];
  // A turn of server-side tools, paused for the client to continue: blocks the hub does not model.
  if (variant === 'pause') {
    message.content = [
      { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'bun 1.4 release notes' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [{ type: 'web_search_result', url: 'https://bun.sh/blog', title: 'Bun blog', encrypted_content: 'EqgfCioI', page_age: null }] },
    ];
  }
  if (!stream) return JSON.stringify({ ...message, stop_reason: stop, usage: { input_tokens: 12, output_tokens: 3 } });
  const blocks = message.content.flatMap((b, i) => [
    { event: 'content_block_start', data: { type: 'content_block_start', index: i, content_block: b } },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: i } },
  ]);
  return sse([
    { event: 'message_start', data: { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } } } },
    ...blocks,
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 3 } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}

/** Codex's turn that is only encrypted reasoning and an `apply_patch` custom tool call: no item the hub models. */
const PATCH_TURN = [
  { id: 'rs_01', type: 'reasoning', summary: [], encrypted_content: 'gAAAAABo-encrypted==' },
  { id: 'ctc_01', type: 'custom_tool_call', status: 'completed', call_id: 'call_patch1', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n' },
];

function responsesEmpty(stream: boolean): string {
  const output = variant === 'custom-call' ? PATCH_TURN : [];
  const response = (status: string) => ({
    id: 'resp_empty', object: 'response', created_at: 1764230000, status, error: null,
    incomplete_details: variant === 'length' && status !== 'in_progress' ? { reason: 'max_output_tokens' } : null,
    model: 'gpt-5.4', output: status === 'in_progress' ? [] : output, parallel_tool_calls: true, store: false, text: { format: { type: 'text' } }, tools: [],
    usage: status === 'in_progress' ? null : { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 12 },
  });
  const done = variant === 'length' ? 'incomplete' : 'completed';
  if (!stream) return JSON.stringify(response(done));
  const items = output.flatMap((item, i) => [
    { event: 'response.output_item.added', data: { type: 'response.output_item.added', sequence_number: 2 + 2 * i, output_index: i, item } },
    { event: 'response.output_item.done', data: { type: 'response.output_item.done', sequence_number: 3 + 2 * i, output_index: i, item } },
  ]);
  return sse([
    { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response: response('in_progress') } },
    { event: 'response.in_progress', data: { type: 'response.in_progress', sequence_number: 1, response: response('in_progress') } },
    ...items,
    { event: `response.${done}`, data: { type: `response.${done}`, sequence_number: 2 + items.length, response: response(done) } },
  ]);
}

function geminiEmpty(stream: boolean): string {
  const parts = variant === 'signature-only' ? [{ text: '', thoughtSignature: 'CiQBcsjafE3n0Yl2' }] : [{ text: '' }];
  const chunk = {
    candidates: [{ content: { role: 'model', parts }, finishReason: variant === 'length' ? 'MAX_TOKENS' : 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 0, totalTokenCount: 12 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'empty1',
  };
  return stream ? sse([{ data: chunk }], '\r\n') : JSON.stringify(chunk);
}

const EMPTY: Record<Format, (stream: boolean) => string> = { openai: openaiEmpty, anthropic: anthropicEmpty, responses: responsesEmpty, gemini: geminiEmpty };

let empty: FourFormatUpstream;
let asked: Record<Format, number>;
let backup: MockOpenAI;
let t: TestGateway;
/** The codes of the attempts that failed, in order, and their messages. */
const failed: string[] = [];
const messages: string[] = [];
/** The provider that served each completed request. */
const served: string[] = [];

beforeAll(async () => {
  empty = startFourFormatUpstream((format, stream) => {
    asked[format]++;
    return new Response(EMPTY[format](stream), { headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' } });
  });
  backup = await startMockOpenAI();
  t = await startTestGateway(`providers:
${empty.providers}
  backup: { type: openai, base_url: "${backup.url}", keys: ["sk-backup-0000001"], allow_private_network: true }
combos:
  openai-first: { models: [oai/gpt-4o-mini, backup/gpt-4o-mini] }
  anthropic-first: { models: [claude/claude-sonnet-4-5, backup/gpt-4o-mini] }
  responses-first: { models: [resp/gpt-5.4, backup/gpt-4o-mini] }
  gemini-first: { models: [gem/gemini-2.5-flash, backup/gpt-4o-mini] }
plugins:
  - retry: { max_retries: 1 }   # as in the generated config: an empty reply is not asked again
`);
  t.gw.bus.on('attempt:failed', (e) => void (failed.push(e.code), messages.push(e.error)));
  t.gw.bus.on('response:completed', (e) => void served.push(`${e.provider} ${e.status}`));
});
afterAll(async () => {
  await t?.stop();
  await backup?.stop();
  empty?.stop();
});
beforeEach(() => {
  variant = 'empty';
  asked = { openai: 0, anthropic: 0, responses: 0, gemini: 0 };
  backup.requests.length = 0;
  failed.length = 0;
  messages.length = 0;
  served.length = 0;
});

/** What the backup mock answers a prompt with, asked directly. */
async function backupText(prompt: string): Promise<string> {
  const r = await fetch(`${backup.url}/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }),
  });
  const text = ((await r.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
  backup.requests.length = 0;
  return text;
}

describe.each(FORMATS)('an empty %s reply, then a target that answers', (format) => {
  test.each(DIALECTS)('%s client: the next target serves, whole and streamed', async (_dialect, via) => {
    const [whole, streamed] = [await backupText('hello'), await backupText('hello streamed')];
    const r = await via(t, `${format}-first`, 'hello');
    expect(r.text).toBe(whole);
    expect(r.streamed).toBe(streamed);
    expect(r.text.length).toBeGreaterThan(0);
    expect(asked[format]).toBe(2);
    expect(backup.requests.length).toBe(2);
    await t.settled();
    expect(failed).toEqual(['GW_UPSTREAM_EMPTY', 'GW_UPSTREAM_EMPTY']);
  });
});

const openai = () => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });

describe('what is not moved on from', () => {
  test('the last target: its empty reply reaches the client as sent, whole and streamed', async () => {
    const r = await openai().chat.completions.create({ model: 'oai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(r.choices[0]!.message.content).toBe('');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    const chunks = await Array.fromAsync(await openai().chat.completions.create({ model: 'gem/gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'hello' }] }));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(asked.openai + asked.gemini).toBe(2);
    expect(failed).toEqual([]);
  });

  test.each(FORMATS)('a %s reply cut at its length limit before any content: relayed, the backup is not asked', async (format) => {
    variant = 'length';
    const r = await openai().chat.completions.create({ model: `${format}-first`, messages: [{ role: 'user', content: 'hello' }] });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.choices[0]!.message.content ?? '').toBe('');
    const chunks = await Array.fromAsync(await openai().chat.completions.create({ model: `${format}-first`, stream: true, messages: [{ role: 'user', content: 'hello' }] }));
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'length')).toBe(true);
    expect(asked[format]).toBe(2);
    expect(backup.requests.length).toBe(0);
  });

  test('Anthropic\'s pause_turn after server-side tools (web search), whole and streamed: the client continues it', async () => {
    variant = 'pause';
    const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
    const whole = await client.messages.create({ model: 'anthropic-first', max_tokens: 100, messages: [{ role: 'user', content: 'search' }] });
    expect(whole.stop_reason).toBe('pause_turn');
    expect(whole.content.map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result']);
    const streamed = await client.messages.stream({ model: 'anthropic-first', max_tokens: 100, messages: [{ role: 'user', content: 'search' }] }).finalMessage();
    expect(streamed.stop_reason).toBe('pause_turn');
    expect(asked.anthropic).toBe(2);
    expect(backup.requests.length).toBe(0);
  });

  test('Codex\'s turn of encrypted reasoning and an apply_patch custom tool call (passthrough), whole and streamed: Codex gets it', async () => {
    variant = 'custom-call';
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
    const whole = await client.responses.create({ model: 'responses-first', input: 'add a.txt', store: false });
    expect(whole.output.map((i) => i.type)).toEqual(['reasoning', 'custom_tool_call']);
    const types: string[] = [];
    for await (const e of await client.responses.create({ model: 'responses-first', input: 'add a.txt', store: false, stream: true })) {
      if (e.type === 'response.output_item.done') types.push(e.item.type);
    }
    expect(types).toEqual(['reasoning', 'custom_tool_call']);
    expect(asked.responses).toBe(2);
    expect(backup.requests.length).toBe(0);
  });

  test('a request for audio output (modalities): a reply without text may be the answer', async () => {
    const r = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'openai-first', modalities: ['text', 'audio'], messages: [{ role: 'user', content: 'hello' }] } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { id: string }).id).toBe('chatcmpl-empty');
    expect(backup.requests.length).toBe(0);
  });
});

describe('a reply that shows the client nothing is empty', () => {
  test.each(['anthropic', 'gemini'] as const)('%s: only a signature or a redacted reasoning block, whole and streamed: the next target serves', async (format) => {
    variant = 'signature-only';
    const whole = await openai().chat.completions.create({ model: `${format}-first`, messages: [{ role: 'user', content: 'hello' }] });
    expect(whole.choices[0]!.message.content).toBe(await backupText('hello'));
    const chunks = await Array.fromAsync(await openai().chat.completions.create({ model: `${format}-first`, stream: true, messages: [{ role: 'user', content: 'hello' }] }));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(await backupText('hello'));
    expect(asked[format]).toBe(2);
  });
});

test('the failed attempt says why; the request is booked to the target that served it', async () => {
  const r = await openai().chat.completions.create({ model: 'anthropic-first', messages: [{ role: 'user', content: 'hello' }] });
  expect(r.choices[0]!.message.content).toBe(await backupText('hello'));
  await t.settled();
  expect(messages).toEqual(['Upstream claude returned an empty reply (no text or tool call; finish reason: end_turn).']);
  expect(served).toEqual(['backup ok']);
});
