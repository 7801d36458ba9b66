/**
 * Client driver for the OpenAI Responses dialect, through the official `openai` SDK, used the
 * way Codex uses the API: stateless (`store: false`), the previous output items replayed as
 * input, encrypted reasoning requested with `include`. Streams go through the SDK's
 * `responses.stream(…).finalResponse()` helper, which checks the event sequence strictly.
 */
import OpenAI from 'openai';
import type { Response, ResponseCreateParamsNonStreaming, ResponseInputItem } from 'openai/resources/responses/responses';
import type { Conversation, Driver, FinishKind, Reply } from '../kit/conformance-types.ts';
import { createRecordingFetch } from '../kit/recording-fetch.ts';

function inputOf(conv: Conversation): ResponseInputItem[] {
  const out: ResponseInputItem[] = [];
  for (const t of conv.turns) {
    if (t.role === 'user') {
      const content: Array<Record<string, unknown>> = [{ type: 'input_text', text: t.text }];
      if (t.image) content.push({ type: 'input_image', image_url: `data:${t.image.mediaType};base64,${t.image.data}`, detail: 'auto' });
      out.push({ type: 'message', role: 'user', content } as unknown as ResponseInputItem);
    } else if (t.role === 'assistant') {
      if ('reply' in t) out.push(...(t.reply.native as ResponseInputItem[]));
      else out.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: t.text }] } as ResponseInputItem);
    } else {
      for (const r of t.results) out.push({ type: 'function_call_output', call_id: r.call.id, output: r.output });
    }
  }
  return out;
}

function bodyOf(conv: Conversation, model: string): ResponseCreateParamsNonStreaming {
  const body: ResponseCreateParamsNonStreaming = { model, input: inputOf(conv), store: false };
  if (conv.system) body.instructions = conv.system;
  if (conv.tools) body.tools = conv.tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.schema, strict: false }));
  if (conv.thinking) {
    body.reasoning = { effort: 'low', summary: 'auto' };
    body.include = ['reasoning.encrypted_content'];
  }
  if (conv.json) body.text = { format: { type: 'json_schema', name: conv.json.name, schema: conv.json.schema, strict: true } };
  return body;
}

function fromResponse(r: Response): Reply {
  const calls = r.output.flatMap((i) => (i.type === 'function_call' ? [i] : []));
  const reasoning = r.output.flatMap((i) => (i.type === 'reasoning' ? [i] : []));
  let finish: FinishKind = calls.length > 0 ? 'tool-calls' : 'stop';
  if (r.status === 'incomplete') finish = r.incomplete_details?.reason === 'max_output_tokens' ? 'length' : 'other';
  else if (r.status !== 'completed') finish = 'other';
  return {
    text: r.output_text,
    reasoning: reasoning.map((i) => i.summary.map((s) => s.text).join('')).join(''),
    toolCalls: calls.map((c) => ({ id: c.call_id, name: c.name, args: JSON.parse(c.arguments || '{}') as Record<string, unknown> })),
    finish,
    rawFinish: String(r.status),
    signatures: reasoning.flatMap((i) => (i.encrypted_content ? [i.encrypted_content] : [])),
    usage: r.usage ? { input: r.usage.input_tokens, output: r.usage.output_tokens } : undefined,
    native: r.output,
  };
}

/** The OpenAI Responses driver. */
export function createResponsesDriver(): Driver {
  let client: OpenAI;
  const recorder = createRecordingFetch();
  return {
    dialect: 'openai-responses',
    sdk: 'openai responses',
    limits: { stop: 'the Responses API has no stop-sequence parameter' },
    connect(url, key) {
      client = new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, fetch: recorder.fetch });
    },
    async send(conv, opts) {
      const body = bodyOf(conv, opts.model);
      if (!opts.stream) return fromResponse(await client.responses.create(body));
      const { stream: _stream, ...params } = body;
      return fromResponse(await client.responses.stream(params).finalResponse());
    },
    lastRequestBody: recorder.last,
    errorClass(status) {
      if (status === 400) return OpenAI.BadRequestError;
      if (status === 401) return OpenAI.AuthenticationError;
      if (status === 404) return OpenAI.NotFoundError;
      if (status === 429) return OpenAI.RateLimitError;
      return status >= 500 ? OpenAI.InternalServerError : OpenAI.APIError;
    },
    statusOf: (err) => (err instanceof OpenAI.APIError ? err.status : undefined),
    isStreamError: (err) => err instanceof OpenAI.OpenAIError,
    errorType: (err) => (err instanceof OpenAI.APIError ? err.type : undefined),
    isDialectErrorType: (type) => /^[a-z_]+$/.test(type),
  };
}
