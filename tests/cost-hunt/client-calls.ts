/**
 * Requests in each client dialect, and the usage the client was shown, read back in hub terms
 * (input with cache reads and writes, output with reasoning) so it can be compared with the row.
 */
import type { TestGateway } from '../helpers/test-gateway.ts';
import type { UsageRow } from '../../core/db/usage-repo.ts';

export type Client = 'openai' | 'anthropic' | 'gemini' | 'responses';

export interface ClientReply {
  status: number;
  requestId: string;
  /** The answer text the client received. */
  text: string;
  /** The client's usage in hub terms; undefined when the reply carried none. */
  usage?: { input: number; output: number; cached?: number; reasoning?: number; cacheWrite?: number };
  /** The raw body (SSE text or JSON text). */
  raw: string;
}

type Json = Record<string, any>;

/** Sends "hi" to `model` in `client`'s dialect and reads the reply whole. */
export async function ask(t: TestGateway, client: Client, model: string, stream: boolean, signal?: AbortSignal): Promise<ClientReply> {
  const res = await t.fetch(pathOf(client, model, stream), { method: 'POST', json: bodyOf(client, model, stream), headers: headersOf(client), signal });
  const raw = await res.text();
  const requestId = res.headers.get('x-request-id') ?? '';
  if (res.status !== 200) return { status: res.status, requestId, text: '', raw };
  const out = stream ? readStream(client, raw) : readJson(client, JSON.parse(raw) as Json);
  return { status: res.status, requestId, raw, ...out };
}

function pathOf(client: Client, model: string, stream: boolean): string {
  switch (client) {
    case 'openai': return '/v1/chat/completions';
    case 'anthropic': return '/v1/messages';
    case 'responses': return '/v1/responses';
    case 'gemini': return `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
  }
}

function headersOf(client: Client): Record<string, string> {
  return client === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {};
}

export function bodyOf(client: Client, model: string, stream: boolean): Json {
  switch (client) {
    case 'openai':
      return { model, messages: [{ role: 'user', content: 'hi' }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
    case 'anthropic':
      return { model, max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }], stream };
    case 'responses':
      return { model, input: 'hi', stream };
    case 'gemini':
      return { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
  }
}

function readJson(client: Client, j: Json): Omit<ClientReply, 'status' | 'requestId' | 'raw'> {
  switch (client) {
    case 'openai':
      return { text: j.choices?.[0]?.message?.content ?? '', usage: fromOpenAI(j.usage) };
    case 'anthropic':
      return { text: (j.content ?? []).filter((b: Json) => b.type === 'text').map((b: Json) => b.text).join(''), usage: fromAnthropic(j.usage) };
    case 'responses':
      return { text: (j.output ?? []).flatMap((o: Json) => o.content ?? []).map((c: Json) => c.text ?? '').join(''), usage: fromResponses(j.usage) };
    case 'gemini':
      return { text: (j.candidates?.[0]?.content?.parts ?? []).map((p: Json) => (p.thought ? '' : p.text ?? '')).join(''), usage: fromGemini(j.usageMetadata) };
  }
}

/** The JSON of every `data:` line of an SSE body (`[DONE]` left out). */
export function sseData(raw: string): Json[] {
  const out: Json[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data && data !== '[DONE]') out.push(JSON.parse(data) as Json);
  }
  return out;
}

function readStream(client: Client, raw: string): Omit<ClientReply, 'status' | 'requestId' | 'raw'> {
  const events = sseData(raw);
  switch (client) {
    case 'openai': {
      const text = events.map((e) => e.choices?.[0]?.delta?.content ?? '').join('');
      const last = events.filter((e) => e.usage).at(-1);
      return { text, usage: last ? fromOpenAI(last.usage) : undefined };
    }
    case 'anthropic': {
      // As the SDK accumulates it: message_start's usage, updated by message_delta's fields.
      let usage: Json | undefined;
      let text = '';
      for (const e of events) {
        if (e.type === 'message_start') usage = { ...e.message.usage };
        if (e.type === 'message_delta' && e.usage) usage = { ...usage, ...Object.fromEntries(Object.entries(e.usage).filter(([, v]) => v != null)) };
        if (e.type === 'content_block_delta' && e.delta?.type === 'text_delta') text += e.delta.text;
      }
      return { text, usage: usage ? fromAnthropic(usage) : undefined };
    }
    case 'responses': {
      const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
      const done = events.find((e) => e.type === 'response.completed');
      return { text, usage: done ? fromResponses(done.response.usage) : undefined };
    }
    case 'gemini': {
      const text = events.map((e) => (e.candidates?.[0]?.content?.parts ?? []).map((p: Json) => (p.thought ? '' : p.text ?? '')).join('')).join('');
      const last = events.filter((e) => e.usageMetadata).at(-1);
      return { text, usage: last ? fromGemini(last.usageMetadata) : undefined };
    }
  }
}

function fromOpenAI(u: Json | undefined): ClientReply['usage'] {
  if (!u) return undefined;
  return { input: u.prompt_tokens, output: u.completion_tokens, cached: u.prompt_tokens_details?.cached_tokens ?? 0, reasoning: u.completion_tokens_details?.reasoning_tokens ?? 0 };
}

function fromAnthropic(u: Json | undefined): ClientReply['usage'] {
  if (!u) return undefined;
  const read = u.cache_read_input_tokens ?? 0;
  const write = u.cache_creation_input_tokens ?? 0;
  return { input: u.input_tokens + read + write, output: u.output_tokens, cached: read, cacheWrite: write };
}

function fromResponses(u: Json | undefined): ClientReply['usage'] {
  if (!u) return undefined;
  return { input: u.input_tokens, output: u.output_tokens, cached: u.input_tokens_details?.cached_tokens ?? 0, reasoning: u.output_tokens_details?.reasoning_tokens ?? 0 };
}

function fromGemini(u: Json | undefined): ClientReply['usage'] {
  if (!u) return undefined;
  const thoughts = u.thoughtsTokenCount ?? 0;
  return {
    input: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0), output: (u.candidatesTokenCount ?? 0) + thoughts,
    cached: u.cachedContentTokenCount ?? 0, reasoning: thoughts,
  };
}

/** The usage row of a request, once written (rows are recorded when the response ends). */
export async function rowOf(t: TestGateway, requestId: string): Promise<UsageRow> {
  for (let i = 0; i < 200; i++) {
    const row = t.gw.usage.recent(50).find((r) => r.requestId === requestId);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no usage row for ${requestId}`);
}
