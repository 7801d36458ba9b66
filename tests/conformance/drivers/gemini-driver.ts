/**
 * Client driver for the Gemini dialect, through the official `@google/genai` SDK (what Gemini
 * CLI is built on): `models.generateContent` and `models.generateContentStream` (SSE). The
 * model turn is replayed as the client got it, thought signatures included.
 */
import { ApiError, GoogleGenAI, type Content, type GenerateContentConfig, type GenerateContentResponse, type Part } from '@google/genai';
import type { Conversation, Driver, FinishKind, Reply } from '../kit/conformance-types.ts';
import { createRecordingFetch } from '../kit/recording-fetch.ts';

function contentsOf(conv: Conversation): Content[] {
  const out: Content[] = [];
  for (const t of conv.turns) {
    if (t.role === 'user') {
      const parts: Part[] = [{ text: t.text }];
      if (t.image) parts.push({ inlineData: { mimeType: t.image.mediaType, data: t.image.data } });
      out.push({ role: 'user', parts });
    } else if (t.role === 'assistant') {
      out.push('reply' in t ? (t.reply.native as Content) : { role: 'model', parts: [{ text: t.text }] });
    } else {
      const parts = t.results.map((r): Part => ({
        functionResponse: { name: r.call.name, response: { output: r.output }, ...(r.call.id ? { id: r.call.id } : {}) },
      }));
      out.push({ role: 'user', parts });
    }
  }
  return out;
}

function configOf(conv: Conversation): GenerateContentConfig {
  const config: GenerateContentConfig = {};
  if (conv.system) config.systemInstruction = conv.system;
  if (conv.tools) config.tools = [{ functionDeclarations: conv.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.schema })) }];
  if (conv.thinking) config.thinkingConfig = { includeThoughts: true, thinkingBudget: 2048 };
  if (conv.json) {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = conv.json.schema;
  }
  if (conv.stop) config.stopSequences = conv.stop;
  return config;
}

function finishOf(raw: string | undefined, calls: number): FinishKind {
  if (raw === 'STOP') return calls > 0 ? 'tool-calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  return 'other';
}

/** Folds the chunks (or the one response) into a reply; parts are kept as the client got them. */
function fromChunks(chunks: GenerateContentResponse[]): Reply {
  const parts: Part[] = [];
  let raw: string | undefined;
  let usage: Reply['usage'];
  for (const c of chunks) {
    const cand = c.candidates?.[0];
    parts.push(...(cand?.content?.parts ?? []));
    if (cand?.finishReason) raw = cand.finishReason;
    if (c.usageMetadata) usage = { input: c.usageMetadata.promptTokenCount ?? 0, output: c.usageMetadata.candidatesTokenCount ?? 0 };
  }
  const reply: Reply = { text: '', reasoning: '', toolCalls: [], finish: 'other', rawFinish: String(raw), signatures: [], usage, native: { role: 'model', parts } };
  for (const p of parts) {
    if (p.thoughtSignature) reply.signatures.push(p.thoughtSignature);
    if (p.functionCall) reply.toolCalls.push({ id: p.functionCall.id ?? '', name: p.functionCall.name ?? '', args: p.functionCall.args ?? {} });
    else if (p.thought) reply.reasoning += p.text ?? '';
    else reply.text += p.text ?? '';
  }
  reply.finish = finishOf(raw, reply.toolCalls.length);
  return reply;
}

/** `error.status` of the Google error envelope the SDK put into its message. */
function googleStatus(message: string): string | undefined {
  const at = message.indexOf('{');
  if (at === -1) return undefined;
  try {
    return (JSON.parse(message.slice(at)) as { error?: { status?: string } }).error?.status;
  } catch {
    return undefined;
  }
}

/** The Gemini driver. */
export function createGeminiDriver(): Driver {
  let ai: GoogleGenAI;
  const recorder = createRecordingFetch();
  return {
    dialect: 'gemini',
    sdk: '@google/genai models',
    limits: {},
    connect(url, key) {
      ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: url, apiVersion: 'v1beta', fetch: recorder.fetch, retryOptions: { attempts: 1 } } });
    },
    async send(conv, opts) {
      const req = { model: opts.model, contents: contentsOf(conv), config: configOf(conv) };
      if (!opts.stream) return fromChunks([await ai.models.generateContent(req)]);
      const chunks: GenerateContentResponse[] = [];
      for await (const chunk of await ai.models.generateContentStream(req)) chunks.push(chunk);
      return fromChunks(chunks);
    },
    lastRequestBody: recorder.last,
    errorClass: () => ApiError,
    statusOf: (err) => (err instanceof ApiError ? err.status : undefined),
    isStreamError: (err) => err instanceof ApiError,
    errorType: (err) => (err instanceof ApiError ? googleStatus(err.message) : undefined),
    isDialectErrorType: (type) => /^[A-Z_]+$/.test(type),
  };
}
