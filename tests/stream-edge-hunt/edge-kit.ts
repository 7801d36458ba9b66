/**
 * The kit of the byte-level stream hunt: a raw upstream that writes exactly the bytes a test
 * chooses, split exactly where it chooses (each step one write, a pause between writes so each
 * reaches the gateway as a read of its own), behind one gateway with a provider per upstream
 * format; the four official SDKs as clients, each folding what it received into one `Seen`
 * (text, reasoning, tool calls, finish, usage); and the stream builders of the four upstream
 * formats, so one reply can be played on all 16 lanes.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

export type Step = string | Uint8Array | { pauseMs: number } | { until: Promise<unknown> };

export interface Script {
  steps: Step[];
  /** Content type of the reply (default `text/event-stream`). */
  contentType?: string;
  /** Pause between two writes (default 15 ms), so every write is a read of its own. */
  gapMs?: number;
}

export interface EdgeGateway {
  t: TestGateway;
  /** Queues the reply to the next upstream request. */
  next(script: Script): void;
  /** The JSON bodies the upstream received, oldest first. */
  bodies: Array<Record<string, unknown>>;
  /** The usage row of the last request, once written. */
  lastRow(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export type Format = 'chat' | 'anthropic' | 'responses' | 'gemini';
export type Dialect = 'openai-chat' | 'anthropic-messages' | 'openai-responses' | 'gemini';

export const FORMATS: Format[] = ['chat', 'anthropic', 'responses', 'gemini'];
export const DIALECTS: Dialect[] = ['openai-chat', 'anthropic-messages', 'openai-responses', 'gemini'];

/** Model names per upstream format. */
export const MODEL: Record<Format, string> = {
  chat: 'oai/gpt-5-chat', anthropic: 'ant/claude-sonnet-4-5', responses: 'rsp/gpt-5-codex', gemini: 'gem/gemini-2.5-pro',
};

/** The dialect each format passes through to. */
export const NATIVE: Record<Format, Dialect> = {
  chat: 'openai-chat', anthropic: 'anthropic-messages', responses: 'openai-responses', gemini: 'gemini',
};

const enc = new TextEncoder();

export async function startEdgeGateway(extraYaml = ''): Promise<EdgeGateway> {
  const scripts: Script[] = [];
  const bodies: Array<Record<string, unknown>> = [];
  const upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      bodies.push((await req.json().catch(() => ({}))) as Record<string, unknown>);
      const s = scripts.shift();
      if (!s) return Response.json({ error: { message: 'nothing scripted', type: 'server_error' } }, { status: 500 });
      const gap = s.gapMs ?? 15;
      return new Response(new ReadableStream({
        type: 'direct',
        async pull(ctl: ReadableStreamDirectController) {
          let first = true;
          for (const step of s.steps) {
            if (typeof step === 'string' || step instanceof Uint8Array) {
              if (!first && gap > 0) await Bun.sleep(gap);
              first = false;
              ctl.write(typeof step === 'string' ? enc.encode(step) : step);
              await ctl.flush();
            } else if ('pauseMs' in step) {
              await Bun.sleep(step.pauseMs);
            } else {
              await step.until;
            }
          }
          ctl.close();
        },
      } as unknown as UnderlyingDefaultSource<Uint8Array>), { headers: { 'content-type': s.contentType ?? 'text/event-stream' } });
    },
  });
  const origin = `http://127.0.0.1:${upstream.port}`;
  const t = await startTestGateway(`
providers:
  rsp: { type: openai-responses, base_url: "${origin}/v1", keys: [sk-rsp-1234567], allow_private_network: true }
  oai: { type: openai, base_url: "${origin}/v1", keys: [sk-oai-1234567], allow_private_network: true }
  ant: { type: anthropic, base_url: "${origin}", keys: [sk-ant-1234567], allow_private_network: true }
  gem: { type: gemini, base_url: "${origin}", keys: [AIza-test-1234567], allow_private_network: true }
${extraYaml}`);
  return {
    t, bodies,
    next: (script) => void scripts.push(script),
    async lastRow() {
      await t.settled();
      t.gw.usage.flush();
      return t.gw.usage.recent(1)[0] as unknown as Record<string, unknown>;
    },
    async stop() {
      await t.stop();
      upstream.stop(true);
    },
  };
}

// ---------------------------------------------------------------- splitting

/** The UTF-8 bytes of `text` cut at the given byte offsets (each piece one write). */
export function cutAt(text: string | Uint8Array, offsets: number[]): Uint8Array[] {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  const out: Uint8Array[] = [];
  let from = 0;
  for (const at of [...offsets].sort((a, b) => a - b)) {
    if (at <= from || at >= bytes.length) continue;
    out.push(bytes.subarray(from, at));
    from = at;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Byte offsets one past the first byte of every character of `text` that takes more than one byte in UTF-8. */
export function insideMultiByte(text: string): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const ch of text) {
    const n = enc.encode(ch).length;
    if (n > 1) offsets.push(at + 1, ...(n > 2 ? [at + n - 1] : []));
    at += n;
  }
  return offsets;
}

/** Cuts `text` inside every multi-byte character (after its first byte and before its last). */
export function splitInsideChars(text: string): Uint8Array[] {
  return cutAt(text, insideMultiByte(text));
}

/** One write per byte. */
export function bytewise(text: string): Uint8Array[] {
  const bytes = enc.encode(text);
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

// ---------------------------------------------------------------- upstream streams

/** A reply, as deltas, to play in any upstream format. */
export interface Reply {
  reasoning?: string[];
  text?: string[];
  /** Calls in order, each with its argument fragments. */
  calls?: Array<{ id: string; name: string; args: string[] }>;
  finish?: 'stop' | 'length' | 'tool' | 'filter';
  usage?: { input: number; output: number; cached?: number };
}

/** The whole stream of `r` in `format`'s wire shape (SSE, LF line ends). */
export function upstreamStream(format: Format, r: Reply): string {
  switch (format) {
    case 'chat': return chatStream(r);
    case 'anthropic': return anthropicStream(r);
    case 'responses': return responsesStream(r);
    case 'gemini': return geminiStream(r);
  }
}

const data = (json: unknown) => `data: ${JSON.stringify(json)}\n\n`;
const named = (json: Record<string, unknown> & { type: string }) => `event: ${json.type}\ndata: ${JSON.stringify(json)}\n\n`;

function chatStream(r: Reply): string {
  const chunk = (delta: unknown, finish: string | null = null) =>
    data({ id: 'chatcmpl-e1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, delta, finish_reason: finish }] });
  let out = chunk({ role: 'assistant', content: '' });
  for (const t of r.reasoning ?? []) out += chunk({ reasoning_content: t });
  for (const t of r.text ?? []) out += chunk({ content: t });
  (r.calls ?? []).forEach((c, index) => {
    out += chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
    for (const a of c.args) out += chunk({ tool_calls: [{ index, function: { arguments: a } }] });
  });
  const finish = { stop: 'stop', length: 'length', tool: 'tool_calls', filter: 'content_filter' }[r.finish ?? (r.calls?.length ? 'tool' : 'stop')];
  out += chunk({}, finish);
  if (r.usage) {
    out += data({
      id: 'chatcmpl-e1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [],
      usage: { prompt_tokens: r.usage.input, completion_tokens: r.usage.output, total_tokens: r.usage.input + r.usage.output, prompt_tokens_details: { cached_tokens: r.usage.cached ?? 0 } },
    });
  }
  return out + 'data: [DONE]\n\n';
}

function anthropicStream(r: Reply): string {
  const u = r.usage ?? { input: 10, output: 5 };
  let out = named({ type: 'message_start', message: { id: 'msg_e1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: u.input - (u.cached ?? 0), cache_read_input_tokens: u.cached ?? 0, output_tokens: 1 } } });
  let index = 0;
  if (r.reasoning?.length) {
    out += named({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const t of r.reasoning) out += named({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: t } });
    out += named({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'EqSig' } });
    out += named({ type: 'content_block_stop', index });
    index++;
  }
  if (r.text?.length) {
    out += named({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const t of r.text) out += named({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });
    out += named({ type: 'content_block_stop', index });
    index++;
  }
  for (const c of r.calls ?? []) {
    out += named({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } });
    for (const a of c.args) out += named({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: a } });
    out += named({ type: 'content_block_stop', index });
    index++;
  }
  const stop = { stop: 'end_turn', length: 'max_tokens', tool: 'tool_use', filter: 'refusal' }[r.finish ?? (r.calls?.length ? 'tool' : 'stop')];
  out += named({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: u.output } });
  return out + named({ type: 'message_stop' });
}

function responsesStream(r: Reply): string {
  let seq = 0;
  const ev = (json: Record<string, unknown> & { type: string }) => named({ ...json, sequence_number: seq++ });
  const base = { id: 'resp_e1', object: 'response', created_at: 1760000000, model: 'gpt-5-codex', output: [] as unknown[], error: null };
  let out = ev({ type: 'response.created', response: { ...base, status: 'in_progress' } });
  const output: unknown[] = [];
  let oi = 0;
  if (r.reasoning?.length) {
    const id = 'rs_e1';
    out += ev({ type: 'response.output_item.added', output_index: oi, item: { id, type: 'reasoning', summary: [] } });
    out += ev({ type: 'response.reasoning_summary_part.added', item_id: id, output_index: oi, summary_index: 0, part: { type: 'summary_text', text: '' } });
    for (const t of r.reasoning) out += ev({ type: 'response.reasoning_summary_text.delta', item_id: id, output_index: oi, summary_index: 0, delta: t });
    const item = { id, type: 'reasoning', summary: [{ type: 'summary_text', text: r.reasoning.join('') }], encrypted_content: 'gAAA' };
    out += ev({ type: 'response.output_item.done', output_index: oi, item });
    output.push(item);
    oi++;
  }
  if (r.text?.length) {
    const id = 'msg_e1';
    out += ev({ type: 'response.output_item.added', output_index: oi, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
    out += ev({ type: 'response.content_part.added', item_id: id, output_index: oi, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const t of r.text) out += ev({ type: 'response.output_text.delta', item_id: id, output_index: oi, content_index: 0, delta: t });
    const text = r.text.join('');
    out += ev({ type: 'response.output_text.done', item_id: id, output_index: oi, content_index: 0, text });
    const item = { id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
    out += ev({ type: 'response.output_item.done', output_index: oi, item });
    output.push(item);
    oi++;
  }
  for (const c of r.calls ?? []) {
    const id = `fc_${c.id}`;
    out += ev({ type: 'response.output_item.added', output_index: oi, item: { id, type: 'function_call', status: 'in_progress', call_id: c.id, name: c.name, arguments: '' } });
    for (const a of c.args) out += ev({ type: 'response.function_call_arguments.delta', item_id: id, output_index: oi, delta: a });
    out += ev({ type: 'response.function_call_arguments.done', item_id: id, output_index: oi, arguments: c.args.join('') });
    const item = { id, type: 'function_call', status: 'completed', call_id: c.id, name: c.name, arguments: c.args.join('') };
    out += ev({ type: 'response.output_item.done', output_index: oi, item });
    output.push(item);
    oi++;
  }
  const u = r.usage ?? { input: 10, output: 5 };
  const usage = { input_tokens: u.input, input_tokens_details: { cached_tokens: u.cached ?? 0 }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.output };
  if (r.finish === 'length' || r.finish === 'filter') {
    const reason = r.finish === 'length' ? 'max_output_tokens' : 'content_filter';
    return out + ev({ type: 'response.incomplete', response: { ...base, status: 'incomplete', incomplete_details: { reason }, output, usage } });
  }
  return out + ev({ type: 'response.completed', response: { ...base, status: 'completed', output, usage } });
}

function geminiStream(r: Reply): string {
  const u = r.usage ?? { input: 10, output: 5 };
  const chunk = (parts: unknown[], finish?: string, usage = false) => data({
    candidates: [{ content: { role: 'model', parts }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
    ...(usage ? { usageMetadata: { promptTokenCount: u.input, candidatesTokenCount: u.output, totalTokenCount: u.input + u.output, ...(u.cached ? { cachedContentTokenCount: u.cached } : {}) } } : {}),
    modelVersion: 'gemini-2.5-pro', responseId: 'gem-e1',
  }).replace(/\n\n$/, '\r\n\r\n');
  let out = '';
  for (const t of r.reasoning ?? []) out += chunk([{ text: t, thought: true }]);
  for (const t of r.text ?? []) out += chunk([{ text: t }]);
  for (const c of r.calls ?? []) out += chunk([{ functionCall: { name: c.name, args: JSON.parse(c.args.join('') || '{}') } }]);
  const finish = { stop: 'STOP', length: 'MAX_TOKENS', tool: 'STOP', filter: 'SAFETY' }[r.finish ?? 'stop'];
  return out + chunk(r.text?.length || r.calls?.length ? [] : [{ text: '' }], finish, true);
}

// ---------------------------------------------------------------- clients

/** What a client SDK made of a stream. */
export interface Seen {
  text: string;
  reasoning: string;
  calls: Array<{ id: string; name: string; args: unknown }>;
  /** The dialect's own finish value (`stop`, `end_turn`, `completed`, `STOP`…). */
  finish: string;
  usage?: { input: number; output: number; cached?: number };
  /** Anthropic: `stop_sequence`. */
  stopSequence?: string | null;
  /** Responses: `incomplete_details.reason`. */
  incomplete?: string;
}

export const TOOLS = [
  { name: 'get_weather', description: 'Weather of a city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'lookup', description: 'Looks a term up', schema: { type: 'object', properties: { q: { type: 'string' } } } },
];

export interface AskOptions {
  /** Stop sequences the client asks for. */
  stop?: string[];
  /** OpenAI Chat: ask for the usage chunk. */
  includeUsage?: boolean;
}

/** Streams one request through `dialect`'s official SDK to `model` and folds what it got. */
export function ask(g: EdgeGateway, dialect: Dialect, model: string, opts: AskOptions = {}): Promise<Seen> {
  switch (dialect) {
    case 'openai-chat': return askChat(g, model, opts);
    case 'anthropic-messages': return askAnthropic(g, model, opts);
    case 'openai-responses': return askResponses(g, model);
    case 'gemini': return askGemini(g, model, opts);
  }
}

async function askChat(g: EdgeGateway, model: string, opts: AskOptions): Promise<Seen> {
  const client = new OpenAI({ apiKey: g.t.key, baseURL: `${g.t.url}/v1`, maxRetries: 0, timeout: 20_000 });
  const stream = await client.chat.completions.create({
    model, stream: true, messages: [{ role: 'user', content: 'hi' }],
    tools: TOOLS.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.schema } })),
    ...(opts.stop ? { stop: opts.stop } : {}),
    ...(opts.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
  });
  const seen: Seen = { text: '', reasoning: '', calls: [], finish: '' };
  const args = new Map<number, { id: string; name: string; args: string }>();
  for await (const c of stream) {
    if (c.usage) seen.usage = { input: c.usage.prompt_tokens, output: c.usage.completion_tokens, cached: c.usage.prompt_tokens_details?.cached_tokens };
    const choice = c.choices[0];
    if (!choice) continue;
    const d = choice.delta as typeof choice.delta & { reasoning_content?: string };
    seen.text += d.content ?? '';
    seen.reasoning += d.reasoning_content ?? '';
    for (const tc of d.tool_calls ?? []) {
      const call = args.get(tc.index) ?? { id: '', name: '', args: '' };
      if (tc.id) call.id = tc.id;
      if (tc.function?.name) call.name += tc.function.name;
      call.args += tc.function?.arguments ?? '';
      args.set(tc.index, call);
    }
    if (choice.finish_reason) seen.finish = choice.finish_reason;
  }
  seen.calls = [...args.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => ({ id: c.id, name: c.name, args: JSON.parse(c.args) }));
  return seen;
}

async function askAnthropic(g: EdgeGateway, model: string, opts: AskOptions): Promise<Seen> {
  const client = new Anthropic({ apiKey: g.t.key, baseURL: g.t.url, maxRetries: 0, timeout: 20_000 });
  const msg = await client.messages.stream({
    model, max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }],
    tools: TOOLS.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema as Anthropic.Tool.InputSchema })),
    ...(opts.stop ? { stop_sequences: opts.stop } : {}),
  }).finalMessage();
  const seen: Seen = { text: '', reasoning: '', calls: [], finish: String(msg.stop_reason), stopSequence: msg.stop_sequence };
  for (const b of msg.content) {
    if (b.type === 'text') seen.text += b.text;
    else if (b.type === 'thinking') seen.reasoning += b.thinking;
    else if (b.type === 'tool_use') seen.calls.push({ id: b.id, name: b.name, args: b.input });
  }
  const u = msg.usage;
  const cached = u.cache_read_input_tokens ?? 0;
  seen.usage = { input: u.input_tokens + cached + (u.cache_creation_input_tokens ?? 0), output: u.output_tokens, cached };
  return seen;
}

async function askResponses(g: EdgeGateway, model: string): Promise<Seen> {
  const client = new OpenAI({ apiKey: g.t.key, baseURL: `${g.t.url}/v1`, maxRetries: 0, timeout: 20_000 });
  const r = await client.responses.stream({
    model, input: 'hi', store: false,
    tools: TOOLS.map((t) => ({ type: 'function' as const, name: t.name, description: t.description, parameters: t.schema, strict: false })),
  }).finalResponse();
  const seen: Seen = { text: r.output_text, reasoning: '', calls: [], finish: String(r.status) };
  if (r.incomplete_details?.reason) seen.incomplete = r.incomplete_details.reason;
  for (const i of r.output) {
    if (i.type === 'reasoning') seen.reasoning += i.summary.map((s) => s.text).join('');
    if (i.type === 'function_call') seen.calls.push({ id: i.call_id, name: i.name, args: JSON.parse(i.arguments) });
  }
  if (r.usage) seen.usage = { input: r.usage.input_tokens, output: r.usage.output_tokens, cached: r.usage.input_tokens_details?.cached_tokens };
  return seen;
}

async function askGemini(g: EdgeGateway, model: string, opts: AskOptions): Promise<Seen> {
  const ai = new GoogleGenAI({ apiKey: g.t.key, httpOptions: { baseUrl: g.t.url, apiVersion: 'v1beta', retryOptions: { attempts: 1 } } });
  const seen: Seen = { text: '', reasoning: '', calls: [], finish: '' };
  const stream = await ai.models.generateContentStream({
    model, contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    config: {
      tools: [{ functionDeclarations: TOOLS.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.schema })) }],
      thinkingConfig: { includeThoughts: true },
      ...(opts.stop ? { stopSequences: opts.stop } : {}),
    },
  });
  for await (const c of stream) {
    const cand = c.candidates?.[0];
    for (const p of cand?.content?.parts ?? []) {
      if (p.functionCall) seen.calls.push({ id: p.functionCall.id ?? '', name: p.functionCall.name ?? '', args: p.functionCall.args ?? {} });
      else if (p.thought) seen.reasoning += p.text ?? '';
      else seen.text += p.text ?? '';
    }
    if (cand?.finishReason) seen.finish = cand.finishReason;
    const u = c.usageMetadata;
    if (u) seen.usage = { input: u.promptTokenCount ?? 0, output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0), cached: u.cachedContentTokenCount };
  }
  return seen;
}

/** The raw bytes of a streamed request in `dialect` (for the passthrough lane's byte checks). */
export async function rawStream(g: EdgeGateway, dialect: Dialect, model: string): Promise<Uint8Array> {
  const res = await rawRequest(g, dialect, model);
  return new Uint8Array(await res.arrayBuffer());
}

/** A streamed request in `dialect`, sent with fetch; the response unread. */
export function rawRequest(g: EdgeGateway, dialect: Dialect, model: string): Promise<Response> {
  switch (dialect) {
    case 'openai-chat':
      return g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] } });
    case 'anthropic-messages':
      return g.t.fetch('/v1/messages', { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, json: { model, stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] } });
    case 'openai-responses':
      return g.t.fetch('/v1/responses', { method: 'POST', json: { model, stream: true, input: 'hi', store: false } });
    case 'gemini':
      return g.t.fetch(`/v1beta/models/${model}:streamGenerateContent?alt=sse`, { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
  }
}
