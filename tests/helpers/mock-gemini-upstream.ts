/**
 * A fake Gemini API (generativelanguage.googleapis.com) on 127.0.0.1 for tests. It records
 * every request, checks it against rules the real API enforces (answering 400
 * INVALID_ARGUMENT in Google's wording), and replies in the exact wire shape of the fixtures
 * (/work/shared/fixtures/gemini): pretty-printed JSON for generateContent, `data: {…}\r\n\r\n`
 * SSE for `streamGenerateContent?alt=sse`, a streamed JSON array without `alt=sse`.
 *
 * Default behaviour: echo the last user text (or "The tool said: …" after a function
 * response); with function declarations and a prompt mentioning "weather", or mode ANY, call
 * the weather function (or the allowed / first one) with arguments built from its schema and
 * a thought signature; with `includeThoughts`, a thought part first. `raw` replays exact bytes
 * (a fixture). Faults (status + RetryInfo / Retry-After, first-byte delay, drop, malformed
 * chunk, in-stream error, hang) apply to every request or the first `failTimes`.
 *
 * @see https://ai.google.dev/api/generate-content
 */

import { validateGeminiRequest } from './mock-gemini-validate.ts';
import { undecodableImage } from './mock-image-check.ts';

export { validateGeminiRequest };

type Json = Record<string, unknown>;

export interface MockGeminiOptions {
  /** Answer with this HTTP status and a Google error body. */
  status?: number;
  errorMessage?: string;
  /** `google.rpc.RetryInfo.retryDelay` sent with an error status (`"7s"`). */
  retryDelay?: string;
  /** `retry-after` header sent with an error status. */
  retryAfter?: string;
  firstByteDelayMs?: number;
  chunkDelayMs?: number;
  /** Streams: break the connection after this many chunks. */
  dropAfterChunks?: number;
  /** Streams: send a chunk that is not JSON after this many chunks. */
  malformedAfterChunks?: number;
  /** Streams: send `{"error":…}` (503 UNAVAILABLE) after this many chunks, then close. */
  streamErrorAfterChunks?: number;
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Apply the faults above only to the first N requests. */
  failTimes?: number;
  /** Required key (`x-goog-api-key` or `?key=`); a wrong one gets Google's 400 API_KEY_INVALID. */
  apiKey?: string;
  /** Known models (404 NOT_FOUND for others); default: any. */
  models?: string[];
  /** Arguments of the function call the mock makes, instead of values built from its schema. */
  callArgs?: Json;
  /** Reply text instead of the echo. */
  reply?: string | ((body: Json) => string);
  /** Exact bytes to serve instead of a built reply (fixture replay). */
  raw?: { json?: string; sse?: string };
  /** Check requests against the API rules (default true). */
  validate?: boolean;
  /**
   * A schema rule of the API's that the gateway's sanitizer does not know: called with each
   * function declaration (and its place, `tools[i].function_declarations[j]`); a message refuses
   * the request with a 400, as Gemini words its schema errors.
   */
  schemaRule?: (decl: Json, at: string) => string | undefined;
}

export interface RecordedGeminiRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface MockGemini {
  /** Base URL without `/v1beta`, e.g. `http://127.0.0.1:43123`. */
  url: string;
  port: number;
  requests: RecordedGeminiRequest[];
  lastBody(): Json | undefined;
  configure(opts: MockGeminiOptions): void;
  reset(): void;
  stop(): Promise<void>;
}

/** Prefix of the thought signatures this mock hands out. */
export const MOCK_GEMINI_SIGNATURE = 'CmockSig';

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};
const NO_FAULTS: MockGeminiOptions = {
  status: undefined, firstByteDelayMs: undefined, dropAfterChunks: undefined, malformedAfterChunks: undefined,
  streamErrorAfterChunks: undefined, hang: undefined,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = new TextEncoder();

/** A Google error response (`{"error":{code,message,status,details?}}`, pretty-printed like Google). */
export function googleError(code: number, message: string, details?: Json[], headers: Record<string, string> = {}): Response {
  const error: Json = { code, message, status: STATUS[code] ?? 'UNKNOWN' };
  if (details) error.details = details;
  return new Response(JSON.stringify({ error }, null, 2), { status: code, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers } });
}

/** Starts the mock on a random port of 127.0.0.1. */
export async function startMockGemini(initial: MockGeminiOptions = {}): Promise<MockGemini> {
  let opts = { ...initial };
  let served = 0;
  const requests: RecordedGeminiRequest[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => { headers[k] = v; });
      const text = await request.text();
      let body: unknown;
      try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
      requests.push({ method: request.method, path: url.pathname, search: url.search, headers, body });
      const n = served++;
      const faulty = opts.failTimes === undefined || n < opts.failTimes;
      return answer(request, url, body, faulty ? opts : { ...opts, ...NO_FAULTS }, n);
    },
  });
  const port = server.port as number;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    lastBody: () => requests[requests.length - 1]?.body as Json | undefined,
    configure(next) {
      opts = { ...opts, ...next };
      served = 0;
    },
    reset() {
      requests.length = 0;
      served = 0;
      opts = { ...initial };
    },
    stop: () => server.stop(true),
  };
}

async function answer(request: Request, url: URL, body: unknown, opts: MockGeminiOptions, n: number): Promise<Response> {
  if (opts.hang) {
    await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve()));
    return new Response(null, { status: 499 });
  }
  if (opts.firstByteDelayMs) await sleep(opts.firstByteDelayMs);
  if (opts.status !== undefined && opts.status >= 400) {
    const details = opts.retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: opts.retryDelay }] : undefined;
    return googleError(opts.status, opts.errorMessage ?? `Mock ${STATUS[opts.status] ?? 'error'}`, details, opts.retryAfter ? { 'retry-after': opts.retryAfter } : {});
  }
  const key = request.headers.get('x-goog-api-key') ?? url.searchParams.get('key');
  if (!key) return googleError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  if (opts.apiKey !== undefined && key !== opts.apiKey) {
    return googleError(400, 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
    ]);
  }
  if (request.method === 'GET' && url.pathname === '/v1beta/models') {
    const names = opts.models ?? ['gemini-2.5-flash', 'gemini-2.5-pro'];
    return Response.json({ models: names.map((m) => ({ name: `models/${m}`, displayName: m, supportedGenerationMethods: ['generateContent', 'countTokens'] })) });
  }
  const m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(url.pathname);
  if (request.method !== 'POST' || !m) return googleError(404, 'The requested URL was not found on this server.');
  const [, model, method] = m;
  if (opts.models && !opts.models.includes(model)) {
    return googleError(404, `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
  }
  if (opts.validate !== false) {
    const problem = validateGeminiRequest(body, model);
    if (problem) return googleError(400, problem);
    const tools = ((body as Json | undefined)?.tools ?? []) as Json[];
    for (const [i, t] of tools.entries()) {
      for (const [j, d] of ((t.functionDeclarations ?? t.function_declarations ?? []) as Json[]).entries()) {
        const refused = opts.schemaRule?.(d, `tools[${i}].function_declarations[${j}]`);
        if (refused) return googleError(400, refused);
      }
    }
    if (await undecodableImage((body as { contents?: unknown } | undefined)?.contents, ['png', 'jpeg', 'gif', 'webp', 'heic'])) {
      return googleError(400, 'Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
    }
  }
  const b = body as Json;
  if (method === 'countTokens') return Response.json({ totalTokens: promptTokens(b) });
  const sse = url.searchParams.get('alt') === 'sse';
  if (opts.raw) {
    const bytes = method === 'generateContent' ? opts.raw.json : opts.raw.sse;
    if (bytes !== undefined) {
      return new Response(bytes, { headers: { 'content-type': method === 'generateContent' ? 'application/json; charset=UTF-8' : 'text/event-stream' } });
    }
  }
  const chunks = buildChunks(b, model, opts, n, method === 'streamGenerateContent');
  if (method === 'generateContent') {
    return new Response(JSON.stringify(chunks[0], null, 2), { headers: { 'content-type': 'application/json; charset=UTF-8' } });
  }
  return new Response(streamChunks(chunks, opts, sse), {
    headers: { 'content-type': sse ? 'text/event-stream' : 'application/json; charset=UTF-8' },
  });
}

// ---------------------------------------------------------------------------------------------
// Replies

function promptTokens(b: Json): number {
  return Math.max(1, Math.ceil(JSON.stringify([b.systemInstruction ?? b.system_instruction ?? '', b.contents ?? [], b.tools ?? []]).length / 4));
}

function lastUser(b: Json): { text: string; fnResponse?: Json } {
  const contents = (b.contents as Json[] | undefined) ?? [];
  const last = [...contents].reverse().find((c) => c.role !== 'model');
  const parts = (last?.parts as Json[] | undefined) ?? [];
  const fr = parts.find((p) => p.functionResponse ?? p.function_response);
  const text = parts.filter((p) => typeof p.text === 'string').map((p) => String(p.text)).join('\n');
  return { text, fnResponse: (fr?.functionResponse ?? fr?.function_response) as Json | undefined };
}

/** A value conforming (roughly) to a schema, for function calls. */
function sample(schema: Json | undefined, key = ''): unknown {
  const type = String(schema?.type ?? (schema?.properties ? 'object' : '')).toLowerCase();
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) return schema.enum[0];
  if (type === 'object') {
    const out: Json = {};
    for (const [k, s] of Object.entries((schema?.properties ?? {}) as Record<string, Json>)) out[k] = sample(s, k);
    return out;
  }
  if (type === 'array') return [sample(schema?.items as Json | undefined, key)];
  if (type === 'number' || type === 'integer') return 42;
  if (type === 'boolean') return true;
  return key === 'location' ? 'Paris' : `mock ${key}`.trim();
}

function chooseFunction(b: Json, prompt: string, answered: boolean): Json | undefined {
  const decls = ((b.tools as Json[] | undefined) ?? []).flatMap((t) => (t.functionDeclarations ?? t.function_declarations ?? []) as Json[]);
  const tc = (b.toolConfig ?? b.tool_config) as Json | undefined;
  const fcc = (tc?.functionCallingConfig ?? tc?.function_calling_config) as Json | undefined;
  const allowed = (fcc?.allowedFunctionNames ?? fcc?.allowed_function_names) as string[] | undefined;
  const pick = () => (allowed ? decls.find((d) => allowed.includes(String(d.name))) : undefined)
    ?? decls.find((d) => /weather/i.test(String(d.name))) ?? decls[0];
  if (fcc?.mode === 'ANY') return pick();
  if (fcc?.mode === 'NONE' || answered || decls.length === 0 || !/weather/i.test(prompt)) return undefined;
  return pick();
}

/** The chunks of the reply (one chunk for generateContent), each a full GenerateContentResponse. */
function buildChunks(b: Json, model: string, opts: MockGeminiOptions, n: number, stream: boolean): Json[] {
  const { text: prompt, fnResponse } = lastUser(b);
  const gc = (b.generationConfig ?? b.generation_config ?? {}) as Json;
  const tc = (gc.thinkingConfig ?? gc.thinking_config) as Json | undefined;
  const parts: Json[] = [];
  if (tc?.includeThoughts ?? tc?.include_thoughts) parts.push({ text: `**Thinking**\n\nThe user said: ${prompt.slice(0, 60)}`, thought: true });
  const fn = chooseFunction(b, prompt, fnResponse !== undefined);
  let finishReason = 'STOP';
  if (fn) {
    const params = (fn.parameters ?? fn.parametersJsonSchema ?? fn.parameters_json_schema) as Json | undefined;
    parts.push({ functionCall: { name: fn.name, args: opts.callArgs ?? sample(params) }, thoughtSignature: `${MOCK_GEMINI_SIGNATURE}${btoa(`mock-${n}`)}` });
  } else {
    let text = typeof opts.reply === 'function' ? opts.reply(b) : opts.reply
      ?? (fnResponse ? `The tool said: ${JSON.stringify(fnResponse.response)}` : prompt || 'Hello!');
    const max = Number(gc.maxOutputTokens ?? gc.max_output_tokens);
    const words = text.split(/(?<=\s)/);
    if (Number.isFinite(max) && words.length > max) { text = words.slice(0, max).join(''); finishReason = 'MAX_TOKENS'; }
    for (const s of (gc.stopSequences ?? gc.stop_sequences ?? []) as string[]) {
      const at = text.indexOf(s);
      if (at !== -1) text = text.slice(0, at);
    }
    if (text) parts.push({ text });
  }
  const prompt_ = promptTokens(b);
  const thoughts = parts.some((p) => p.thought) ? 12 : 0;
  const output = Math.max(1, Math.ceil(JSON.stringify(parts.filter((p) => !p.thought)).length / 4));
  const base = { modelVersion: model, responseId: `mockResp${String(n).padStart(4, '0')}` };
  const usage = (done: number) => ({
    candidatesTokenCount: done, promptTokenCount: prompt_, promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt_ }],
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}), totalTokenCount: prompt_ + done + thoughts,
  });
  if (!stream) {
    return [{ candidates: [{ content: { parts, role: 'model' }, finishReason, index: 0 }], ...base, usageMetadata: usage(output) }];
  }
  // Streams: thoughts first, then the text in three pieces; a function call arrives whole.
  const pieces: Json[][] = parts.filter((p) => p.thought).map((p) => [p]);
  for (const p of parts.filter((q) => !q.thought)) {
    if (typeof p.text === 'string') for (const t of splitText(p.text, 3)) pieces.push([{ text: t }]);
    else pieces.push([p]);
  }
  if (pieces.length === 0) pieces.push([]);
  return pieces.map((ps, i) => {
    const last = i === pieces.length - 1;
    const candidate: Json = { content: { parts: ps, role: 'model' }, index: 0 };
    if (last) candidate.finishReason = finishReason;
    return { candidates: [candidate], ...base, usageMetadata: usage(last ? output : Math.ceil((output * (i + 1)) / pieces.length)) };
  });
}

function splitText(s: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** SSE (`data: …\r\n\r\n`, compact JSON) or Google's JSON array stream (pretty, `\n,\r\n` between). */
function streamChunks(chunks: Json[], opts: MockGeminiOptions, sse: boolean): ReadableStream<Uint8Array> {
  let i = 0;
  const frame = (json: string, first: boolean) => (sse ? `data: ${json}\r\n\r\n` : `${first ? '[' : '\n,\r\n'}${json}`);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (opts.chunkDelayMs && i > 0) await sleep(opts.chunkDelayMs);
      if (i === opts.dropAfterChunks) {
        // Let what was sent reach the client first, as on a real connection reset.
        await sleep(20);
        return controller.error(new Error('mock: connection dropped'));
      }
      if (i === opts.malformedAfterChunks) controller.enqueue(enc.encode(frame('{"candidates":[{"content":', i === 0)));
      if (i === opts.streamErrorAfterChunks) {
        const err = JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });
        controller.enqueue(enc.encode(frame(err, i === 0) + (sse ? '' : '\n]')));
        return controller.close();
      }
      if (i >= chunks.length) {
        if (!sse) controller.enqueue(enc.encode('\n]'));
        return controller.close();
      }
      const json = sse ? JSON.stringify(chunks[i]) : JSON.stringify(chunks[i], null, 2);
      controller.enqueue(enc.encode(frame(json, i === 0)));
      i++;
    },
  });
}
