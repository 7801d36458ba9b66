import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMultipart } from '../../core/util/multipart.ts';

/**
 * A local look-alike of the non-chat upstream APIs, on 127.0.0.1 (random port):
 * - OpenAI (`/v1`): embeddings (float / base64), images generations + edits, audio
 *   transcriptions / translations (json, text, srt, verbose_json, vtt), speech (binary audio
 *   streamed in chunks), moderations; Jina / Voyage-style `POST /v1/rerank`.
 * - Cohere v2: `POST /v2/rerank`, `POST /v2/embed` (at most 96 texts a call, as Cohere).
 * - Gemini: `POST /v1beta/models/{model}:embedContent | :batchEmbedContents` (at most 100
 *   requests a batch, as Gemini), and
 *   `:generateContent` answering with an inline image (image models).
 * Replies are deterministic functions of the request, and every reply body is recorded, so a
 * test can check that what the client got equals what the upstream sent. Multipart uploads
 * are spooled to disk while they arrive (hashed, never held in memory) like the gateway does.
 */
export interface MediaFault {
  status?: number;
  body?: unknown;
  delayMs?: number;
}

export interface RecordedMediaRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body. */
  json?: Record<string, unknown>;
  /** Multipart uploads: text fields and, per file, its size and SHA-256. */
  form?: { fields: Record<string, string[]>; files: Array<{ field: string; filename: string; mediaType: string; size: number; sha256: string }> };
  /** Request body bytes received. */
  bytes: number;
  /** What the mock answered (JSON value, text, or the byte length of binary audio). */
  reply?: unknown;
  status?: number;
  /** A streamed reply (speech) that the client cancelled before its end. */
  aborted?: boolean;
}

export interface MockMedia {
  /** Base URL with `/v1`. */
  url: string;
  /** Base URL without a version (Cohere, Gemini). */
  origin: string;
  requests: RecordedMediaRequest[];
  script(faults: MediaFault[]): void;
  stop(): Promise<void>;
}

/** A deterministic embedding: a few decimals that are not exactly float32 values. */
export function mockVector(text: string, dims = 8): number[] {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) % 100_003;
  return Array.from({ length: dims }, (_, i) => Number(Math.sin(h + i * 1.7).toFixed(9)));
}

/** The bytes `/audio/speech` streams for an input: `size` bytes of a pattern seeded by the text. */
export function mockSpeechBytes(input: string, size = 96 * 1024): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let s = input.length + 7;
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out[i] = s & 0xff;
  }
  return out;
}

const MODERATION_CATEGORIES = ['harassment', 'hate', 'self-harm', 'sexual', 'violence'];
const AUDIO_TYPES: Record<string, string> = { mp3: 'audio/mpeg', wav: 'audio/wav', opus: 'audio/ogg', flac: 'audio/flac', aac: 'audio/aac', pcm: 'audio/pcm' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startMockMedia(): Promise<MockMedia> {
  const requests: RecordedMediaRequest[] = [];
  const faults: MediaFault[] = [];
  const spool = mkdtempSync(join(tmpdir(), 'mock-media-'));

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    maxRequestBodySize: 512 * 1024 * 1024,
    async fetch(request) {
      const url = new URL(request.url);
      const rec: RecordedMediaRequest = { method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), bytes: 0 };
      requests.push(rec);
      await readBody(request, rec, spool);
      const fault = faults.shift();
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (fault?.status) return answer(rec, fault.body ?? { error: { message: `Mock failure ${fault.status}`, type: 'server_error', param: null, code: null } }, fault.status);
      return route(rec, url);
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    origin: `http://127.0.0.1:${server.port}`,
    requests,
    script: (f) => void faults.push(...f),
    async stop() {
      await server.stop(true);
      rmSync(spool, { recursive: true, force: true });
    },
  };
}

async function readBody(request: Request, rec: RecordedMediaRequest, spool: string): Promise<void> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const counted = countBytes(request, rec);
    const body = await readMultipart(counted, { limitBytes: 1 << 30, dir: spool });
    const fields: Record<string, string[]> = {};
    for (const f of body.fields) (fields[f.name] ??= []).push(f.value);
    const files = [];
    for (const f of body.files) {
      const hash = createHash('sha256');
      for await (const chunk of f.stream()) hash.update(chunk);
      files.push({ field: f.field, filename: f.filename, mediaType: f.mediaType, size: f.size, sha256: hash.digest('hex') });
    }
    await body.dispose();
    rec.form = { fields, files };
    return;
  }
  const text = await request.text();
  rec.bytes = Buffer.byteLength(text);
  if (text) rec.json = JSON.parse(text) as Record<string, unknown>;
}

/** The same request with a body that counts its bytes into `rec.bytes`. */
function countBytes(request: Request, rec: RecordedMediaRequest): Request {
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, c) {
      rec.bytes += chunk.length;
      c.enqueue(chunk);
    },
  });
  return new Request(request.url, { method: 'POST', headers: request.headers, body: request.body!.pipeThrough(counter) });
}

function answer(rec: RecordedMediaRequest, body: unknown, status = 200): Response {
  rec.reply = body;
  rec.status = status;
  return typeof body === 'string'
    ? new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    : Response.json(body, { status });
}

function route(rec: RecordedMediaRequest, url: URL): Response {
  const p = url.pathname;
  const j = rec.json ?? {};
  if (p === '/v1/embeddings') return answer(rec, openAIEmbeddings(j));
  if (p === '/v1/images/generations' || p === '/v1/images/edits') return answer(rec, images(rec));
  if (p === '/v1/audio/transcriptions' || p === '/v1/audio/translations') return answer(rec, transcript(rec, p.endsWith('translations')));
  if (p === '/v1/audio/speech') return speech(rec);
  if (p === '/v1/moderations') return answer(rec, moderation(j));
  if (p === '/v1/rerank') return answer(rec, jinaRerank(j));
  if (p === '/v2/rerank') return answer(rec, cohereRerank(j));
  if (p === '/v2/embed') {
    const n = ((j.texts ?? []) as unknown[]).length;
    // Cohere's limit per call.
    if (n > 96) return answer(rec, { id: 'e0', message: `invalid request: total number of texts must be at most 96 - received ${n}` }, 400);
    return answer(rec, cohereEmbed(j));
  }
  const gemini = /^\/v1beta\/models\/(.+):(embedContent|batchEmbedContents|generateContent)$/.exec(p);
  if (gemini?.[2] === 'generateContent') return answer(rec, geminiImage(j));
  if (gemini?.[2] === 'batchEmbedContents' && ((j.requests ?? []) as unknown[]).length > 100) {
    // Gemini's limit per call.
    return answer(rec, { error: { code: 400, message: '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n', status: 'INVALID_ARGUMENT' } }, 400);
  }
  if (gemini) return answer(rec, geminiEmbed(j, gemini[2] === 'batchEmbedContents'));
  return answer(rec, { error: { message: `Invalid URL (${rec.method} ${p})`, type: 'invalid_request_error', param: null, code: null } }, 404);
}

function openAIEmbeddings(j: Record<string, unknown>): Record<string, unknown> {
  const inputs = (Array.isArray(j.input) && typeof j.input[0] !== 'number' ? j.input : [j.input]) as unknown[];
  const dims = typeof j.dimensions === 'number' ? j.dimensions : 8;
  const data = inputs.map((input, index) => {
    const v = mockVector(JSON.stringify(input), dims);
    const embedding = j.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce<number>((n, i) => n + Math.ceil(JSON.stringify(i).length / 4), 0);
  return { object: 'list', data, model: j.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

function images(rec: RecordedMediaRequest): Record<string, unknown> {
  const fields = rec.form ? Object.fromEntries(Object.entries(rec.form.fields).map(([k, v]) => [k, v[0]])) : (rec.json ?? {});
  const n = Number(fields.n ?? 1);
  const seed = rec.form ? rec.form.files.map((f) => f.sha256).join('') : String(fields.prompt);
  const data = Array.from({ length: n }, (_, i) => (fields.response_format === 'url'
    ? { url: `https://images.example.test/${i}-${seed.slice(0, 12)}.png`, revised_prompt: `${String(fields.prompt)} (revised)` }
    : { b64_json: Buffer.from(`png:${seed}:${i}`).toString('base64') }));
  return {
    created: 1713833628, data,
    usage: { total_tokens: 100, input_tokens: 50, output_tokens: 50, input_tokens_details: { text_tokens: 10, image_tokens: 40 } },
  };
}

/**
 * Transcription replies as each upstream sends them. OpenAI (`whisper-1`): transcription `json`
 * carries usage `{type:"duration"}`, translation `json` only `text`; gpt-4o models report
 * tokens. Groq (`whisper-large-v3*`): `json` is `{text, x_groq}` (no length), `verbose_json`
 * adds `x_groq` and no usage. JSON-only servers answer JSON whatever format was asked:
 * `json-only-segments` a verbose_json object, `json-only` `{text}`.
 */
function transcript(rec: RecordedMediaRequest, translate: boolean): unknown {
  const f = rec.form!;
  const file = f.files[0];
  const model = f.fields.model?.[0] ?? '';
  const groq = model.startsWith('whisper-large');
  const text = `${translate ? 'Translated' : 'Transcribed'} ${file?.filename} (${file?.size} bytes, ${file?.sha256.slice(0, 8)})`;
  if (model === 'json-only') return { text };
  const format = model === 'json-only-segments' ? 'verbose_json' : f.fields.response_format?.[0] ?? 'json';
  switch (format) {
    case 'text':
      return `${text}\n`;
    case 'srt':
      return `1\n00:00:00,000 --> 00:00:02,500\n${text}\n\n`;
    case 'vtt':
      return `WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n${text}\n\n`;
    case 'verbose_json':
      return {
        task: translate ? 'translate' : 'transcribe', language: 'english', duration: 2.5, text,
        segments: model === 'json-only-segments'
          ? [
            { id: 0, seek: 0, start: 0, end: 1.5, text: ` ${text}`, tokens: [50364, 1034], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 },
            { id: 1, seek: 0, start: 1.5, end: 2.5, text: ' The end.', tokens: [50440], temperature: 0, avg_logprob: -0.3, compression_ratio: 1, no_speech_prob: 0.02 },
          ]
          : [{ id: 0, seek: 0, start: 0, end: 2.5, text, tokens: [50364, 1034], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 }],
        ...(groq ? { x_groq: { id: 'req_01mock' } } : { usage: { type: 'duration', seconds: 3 } }),
      };
    case 'diarized_json': {
      const speakers = f.fields['known_speaker_names[]'] ?? ['A', 'B'];
      return {
        task: 'transcribe', duration: 2.5, text,
        segments: [
          { type: 'transcript.text.segment', id: 'seg_0', start: 0, end: 1.2, text: 'Transcribed', speaker: speakers[0] },
          { type: 'transcript.text.segment', id: 'seg_1', start: 1.2, end: 2.5, text: text.slice('Transcribed '.length), speaker: speakers[1] ?? 'B' },
        ],
        usage: { type: 'tokens', input_tokens: 14, input_token_details: { text_tokens: 0, audio_tokens: 14 }, output_tokens: 45, total_tokens: 59 },
      };
    }
    default:
      if (groq) return { text, x_groq: { id: 'req_01mock' } };
      if (model === 'whisper-1') return translate ? { text } : { text, usage: { type: 'duration', seconds: 3 } };
      return { text, usage: { type: 'tokens', input_tokens: 14, input_token_details: { text_tokens: 0, audio_tokens: 14 }, output_tokens: 45, total_tokens: 59 } };
  }
}

function speech(rec: RecordedMediaRequest): Response {
  const j = rec.json ?? {};
  // An input starting with "long" gets 2 MB (over 250 ms of chunks), for cancel tests.
  const bytes = mockSpeechBytes(String(j.input), String(j.input).startsWith('long') ? 2 * 1024 * 1024 : undefined);
  rec.reply = bytes.length;
  rec.status = 200;
  let off = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (off >= bytes.length) return c.close();
      await sleep(2);
      c.enqueue(bytes.slice(off, off + 16 * 1024));
      off += 16 * 1024;
    },
    cancel() {
      rec.aborted = true;
    },
  });
  return new Response(body, { headers: { 'content-type': AUDIO_TYPES[String(j.response_format ?? 'mp3')] ?? 'audio/mpeg' } });
}

function moderation(j: Record<string, unknown>): Record<string, unknown> {
  const inputs = typeof j.input === 'string' ? [j.input] : Array.isArray(j.input) && typeof j.input[0] === 'string' ? (j.input as string[]) : [JSON.stringify(j.input)];
  const results = inputs.map((text) => {
    const bad = /kill|hate/i.test(text);
    const scores = Object.fromEntries(MODERATION_CATEGORIES.map((c, i) => [c, bad && c === 'violence' ? 0.97 : 0.001 * (i + 1)]));
    return {
      flagged: bad,
      categories: Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, scores[c] > 0.5])),
      category_scores: scores,
      category_applied_input_types: Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, ['text']])),
    };
  });
  return { id: `modr-mock${inputs.length}`, model: j.model, results };
}

/** Word overlap with the query, best first. */
function score(query: string, docs: unknown[]): Array<{ index: number; score: number; text: string }> {
  const q = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  return docs.map((d, index) => {
    const text = typeof d === 'string' ? d : String((d as { text?: unknown }).text ?? '');
    const words = text.toLowerCase().split(/\W+/).filter(Boolean);
    const hits = words.filter((w) => q.has(w)).length;
    return { index, score: Number((hits / (words.length + 1)).toFixed(6)), text };
  }).sort((a, b) => b.score - a.score);
}

function jinaRerank(j: Record<string, unknown>): Record<string, unknown> {
  const top = Number(j.top_n ?? j.top_k ?? (j.documents as unknown[]).length);
  const ranked = score(String(j.query), j.documents as unknown[]).slice(0, top);
  const withDocs = j.return_documents !== false;
  return {
    model: j.model,
    usage: { total_tokens: 815, prompt_tokens: 815 },
    results: ranked.map((r) => ({ index: r.index, ...(withDocs ? { document: { text: r.text } } : {}), relevance_score: r.score })),
  };
}

function cohereRerank(j: Record<string, unknown>): Record<string, unknown> {
  const top = Number(j.top_n ?? (j.documents as unknown[]).length);
  const ranked = score(String(j.query), j.documents as unknown[]).slice(0, top);
  return {
    results: ranked.map((r) => ({ index: r.index, relevance_score: r.score })),
    id: '07734bd2-2473-4f07-94e1-0d9f0e6843cf',
    meta: { api_version: { version: '2', is_experimental: false }, billed_units: { search_units: 1 } },
  };
}

function cohereEmbed(j: Record<string, unknown>): Record<string, unknown> {
  const texts = (j.texts ?? []) as string[];
  const dims = typeof j.output_dimension === 'number' ? j.output_dimension : 8;
  return {
    id: 'da6e531f-54c6-4a73-bf92-f60566d8d753',
    embeddings: { float: texts.map((t) => mockVector(JSON.stringify(t), dims)) },
    texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: texts.join(' ').split(/\s+/).length } },
    response_type: 'embeddings_by_type',
  };
}

function geminiEmbed(j: Record<string, unknown>, batch: boolean): Record<string, unknown> {
  type Req = { content?: { parts?: Array<{ text?: string }> }; outputDimensionality?: number };
  const requests: Req[] = batch ? ((j.requests ?? []) as Req[]) : [j as Req];
  const vectors = requests.map((r) => ({
    values: mockVector(JSON.stringify((r.content?.parts ?? []).map((p) => p.text ?? '').join(' ')), r.outputDimensionality ?? 8),
  }));
  return batch ? { embeddings: vectors } : { embedding: vectors[0] };
}

function geminiImage(j: Record<string, unknown>): Record<string, unknown> {
  type Part = { text?: string; inlineData?: { mimeType: string; data: string } };
  const parts = ((j.contents as Array<{ parts: Part[] }> | undefined)?.[0]?.parts ?? []);
  const prompt = parts.find((p) => p.text)?.text ?? '';
  const inputs = parts.filter((p) => p.inlineData).map((p) => p.inlineData!.data.length).join(',');
  return {
    candidates: [{
      content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: Buffer.from(`gemini-png:${prompt}:${inputs}`).toString('base64') } }] },
      finishReason: 'STOP', index: 0,
    }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 1290, totalTokenCount: 1302 },
    modelVersion: 'gemini-2.5-flash-image',
  };
}
