import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { encodeParts } from '../../../core/pipeline/encoded-body.ts';
import type { CallContext, GatewayRequest, StreamEncoder, Translator } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { encodeOpenAIError, encodeOpenAIStreamError } from './encode-openai-error.ts';
import { encodeOpenAIUsage } from './encode-openai-usage.ts';
import { formatValidationError } from './format-validation-error.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';

/**
 * The legacy Completions API (`POST /v1/completions`): a prompt in, `text_completion` out.
 * The prompt becomes one user message, so any chat provider serves it; `suffix`, `echo`,
 * `best_of` and `logprobs` have no equivalent and are refused with a 400 rather than dropped.
 *
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
const Prompt = v.union([v.string(), v.pipe(v.array(v.string()), v.length(1, 'only one prompt per request is supported'))]);
const CompletionsRequestSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1)),
  prompt: Prompt,
  max_tokens: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1)))),
  temperature: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(2)))),
  top_p: v.optional(v.nullable(v.number())),
  n: v.optional(v.nullable(v.literal(1, 'only n=1 is supported'))),
  stop: v.optional(v.nullable(v.union([v.string(), v.array(v.string())]))),
  stream: v.optional(v.nullable(v.boolean())),
  stream_options: v.optional(v.nullable(v.looseObject({ include_usage: v.optional(v.boolean()) }))),
  presence_penalty: v.optional(v.nullable(v.number())),
  frequency_penalty: v.optional(v.nullable(v.number())),
  seed: v.optional(v.nullable(v.number())),
  user: v.optional(v.string()),
});

const REFUSED = ['suffix', 'echo', 'best_of', 'logprobs'] as const;

function decode(body: unknown): GatewayRequest<'chat'> {
  const parsed = v.safeParse(CompletionsRequestSchema, body, { abortEarly: true });
  if (!parsed.success) throw formatValidationError(parsed.issues);
  const b = parsed.output;
  for (const field of REFUSED) {
    const value = (b as Record<string, unknown>)[field];
    if (value !== undefined && value !== null && value !== false && value !== 1) {
      throw new GatewayError('GW_UNSUPPORTED', `'${field}' is not supported by this gateway's completions endpoint.`, { status: 400, param: field });
    }
  }
  const prompt = Array.isArray(b.prompt) ? b.prompt[0] : b.prompt;
  const stream = b.stream === true;
  const chat: ChatRequest = {
    model: b.model,
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    stream,
    ...(stream && b.stream_options?.include_usage ? { streamUsage: true } : {}),
    ...(b.max_tokens ? { maxTokens: b.max_tokens } : {}),
    ...(typeof b.temperature === 'number' ? { temperature: b.temperature } : {}),
    ...(typeof b.top_p === 'number' ? { topP: b.top_p } : {}),
    ...(b.stop ? { stop: Array.isArray(b.stop) ? b.stop : [b.stop] } : {}),
    ...(typeof b.presence_penalty === 'number' ? { presencePenalty: b.presence_penalty } : {}),
    ...(typeof b.frequency_penalty === 'number' ? { frequencyPenalty: b.frequency_penalty } : {}),
    ...(typeof b.seed === 'number' ? { seed: b.seed } : {}),
    ...(b.user ? { user: b.user } : {}),
  };
  return { operation: 'chat', model: b.model, stream, body: chat };
}

function textOf(r: ChatResult): string {
  return r.content.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('');
}

function encodeResult(result: ChatResult, model: string, id: string): Record<string, unknown> {
  return {
    id, object: 'text_completion', created: result.created ?? Math.floor(Date.now() / 1000), model,
    choices: [{ text: textOf(result), index: 0, logprobs: null, finish_reason: mapOpenAIFinishReason(result.finishReason) }],
    usage: encodeOpenAIUsage(result.usage),
  };
}

/**
 * The Completions stream, part by part: text deltas as `text_completion` chunks, the finish
 * chunk, then at the end the usage chunk if asked and `[DONE]`. An error part is one error
 * frame and the end (no `[DONE]`).
 */
export class CompletionsChunkEncoder implements StreamEncoder {
  closed = false;
  private readonly created = Math.floor(Date.now() / 1000);
  private usage: ChatResult['usage'];

  constructor(private readonly model: string, private readonly id: string, private readonly streamUsage: boolean) {}

  push(p: StreamPart): string {
    if (this.closed) return '';
    if (p.type === 'text-delta') return this.frame([{ text: p.text, index: 0, logprobs: null, finish_reason: null }]);
    if (p.type === 'usage') this.usage = p.usage;
    else if (p.type === 'finish') {
      this.usage = p.usage ?? this.usage;
      return this.frame([{ text: '', index: 0, logprobs: null, finish_reason: mapOpenAIFinishReason(p.reason) }]);
    } else if (p.type === 'error') return this.fail(p.error);
    return '';
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    return (this.streamUsage ? this.frame([], { usage: encodeOpenAIUsage(this.usage) }) : '') + 'data: [DONE]\n\n';
  }

  fail(err: GatewayError): string {
    if (this.closed) return '';
    this.closed = true;
    return encodeOpenAIStreamError(err);
  }

  private frame(choices: unknown[], extra: Record<string, unknown> = {}): string {
    return `data: ${JSON.stringify({ id: this.id, object: 'text_completion', created: this.created, model: this.model, choices, ...extra })}\n\n`;
  }
}

/** The Completions stream as bytes (`encodeStream`): the chunk encoder over the part stream. */
export function encodeCompletionsStream(parts: ReadableStream<StreamPart>, enc: CompletionsChunkEncoder): ReadableStream<Uint8Array> {
  return encodeParts(parts, enc);
}

const completionsEncoder = (req: GatewayRequest, call: CallContext) =>
  new CompletionsChunkEncoder(req.model, `cmpl-${call.id.replace(/^req_/, '')}`, (req.body as ChatRequest).streamUsage === true);

/** The `openai-completions` translator (same plugin as chat: same envelope, same provider lane). */
export function createOpenAICompletionsTranslator(): Translator {
  return {
    dialect: 'openai-completions',
    routes: [{ method: 'POST', path: '/v1/completions', summary: 'OpenAI Completions (legacy): a prompt in, text out' }],
    decode: (input) => decode(input.body),
    encodeResult: (result, req, call) => Response.json(encodeResult(result as ChatResult, req.model, `cmpl-${call.id.replace(/^req_/, '')}`)),
    encodeStream: (parts, req, call) => encodeCompletionsStream(parts, completionsEncoder(req, call)),
    createStreamEncoder: completionsEncoder,
    encodeError: (err) => encodeOpenAIError(err),
    encodeStreamError: encodeOpenAIStreamError,
    streamHeaders: () => ({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }),
  };
}
