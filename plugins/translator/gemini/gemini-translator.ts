import { toGatewayError, type GatewayError } from '../../../core/errors/gateway-error.ts';
import { readJsonBody } from '../../../core/pipeline/read-json-body.ts';
import { assertModelAllowed } from '../../../core/util/assert-model-allowed.ts';
import type { CallContext, GatewayRequest, HttpInput, RouteHost, RouteSpec, Translator } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult } from '../../../core/types/hub.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';
import { encodeGeminiError, encodeGeminiStreamError } from './encode-gemini-error.ts';
import { encodeGeminiResult } from './encode-gemini-result.ts';
import { isEnumRequest, unwrapEnumResult } from './enum-answer.ts';
import { encodeGeminiStream, GeminiTextEncoder } from './encode-gemini-stream.ts';
import { countGeminiTokensUpstream } from './count-gemini-tokens-upstream.ts';
import { getGeminiModel, listGeminiModels } from './gemini-model-routes.ts';
import { decodeGeminiEmbedRequest } from './decode-gemini-embed-request.ts';
import { createGeminiEmbedCodec } from './gemini-embed-translator.ts';
import { parseModelAction, parseModelName } from './parse-model-action.ts';
import { GEMINI_KEEPALIVE, GEMINI_ROUTES } from './gemini-routes.ts';

export interface GeminiTranslatorOptions {
  /** The configured request body limit in bytes, read per request (it may be reloaded). */
  bodyLimitBytes(): number;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

/**
 * The `gemini` dialect: the REST surface of generativelanguage.googleapis.com that Gemini CLI
 * and `@google/genai` use.
 * - `POST /v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens`
 *   (also under `/v1` and `/v1alpha`, which newer SDKs and some samples use).
 *   The model may contain `/` (`groq/llama-3.3`); the method is split off at the last colon.
 *   Generation runs the pipeline (`host.run`); so does countTokens, which asks the target's
 *   upstream for its exact count and falls back to an estimate (`count-gemini-tokens-upstream.ts`).
 * - `GET /v1beta/models`, `GET /v1beta/models/{model}`: the gateway's models in Gemini shape;
 *   also `GET /v1/models[/{model}]` with `x-goog-api-key` (where `@google/genai` 3.x looks).
 * Client keys come in `x-goog-api-key` or `?key=` (read by the authenticator). Streams are SSE
 * with `?alt=sse` (what the SDKs ask for), else a JSON array written incrementally.
 *
 * @see https://ai.google.dev/api/generate-content
 */
export function createGeminiTranslator(opts: GeminiTranslatorOptions): Translator {
  const embedCodec = createGeminiEmbedCodec();
  const translator: Translator = {
    dialect: 'gemini',
    routes: GEMINI_ROUTES.map(({ custom, ...spec }): RouteSpec => ({
      ...spec,
      handle: spec.method === 'POST' ? generate : spec.path.endsWith('/models') ? listModels : getModel,
    })),
    decode(input: HttpInput): GatewayRequest {
      const { model, action } = parseModelAction(input.params.modelAction ?? '');
      return decodeGeminiRequest(input.body, model, action === 'streamGenerateContent');
    },
    encodeResult(result: unknown, req: GatewayRequest): Response {
      const chat = result as ChatResult;
      return json(encodeGeminiResult(enumAnswer(req) ? unwrapEnumResult(chat) : chat, req.model));
    },
    encodeStream(parts, req: GatewayRequest, call: CallContext) {
      return encodeGeminiStream(parts, { sse: isSse(call.http), id: call.id, model: req.model, enumAnswer: enumAnswer(req) });
    },
    createStreamEncoder(req: GatewayRequest, call: CallContext) {
      return new GeminiTextEncoder({ sse: isSse(call.http), id: call.id, model: req.model, enumAnswer: enumAnswer(req) });
    },
    encodeError: (err: GatewayError) => encodeGeminiError(err),
    encodeStreamError: (err, call) => encodeGeminiStreamError(err, isSse(call?.http)),
    streamHeaders(_req, call) {
      return isSse(call.http) ? { 'content-type': 'text/event-stream' } : { ...JSON_HEADERS };
    },
    keepAliveFrame: GEMINI_KEEPALIVE,
  };

  function generate(input: HttpInput, host: RouteHost): Promise<Response> {
    return guard(() => post(input, host));
  }

  /** The POST route: generation and token counts through the pipeline (a count falls back to its estimate). */
  async function post(input: HttpInput, host: RouteHost): Promise<Response> {
    const { model, action } = parseModelAction(input.params.modelAction ?? '');
    // Authenticate before reading the body, as the pipeline does: an anonymous caller costs no parsing.
    const key = await host.authenticate(input);
    if (action === 'countTokens') assertModelAllowed(host, key, model);
    const body = input.body ?? (await readJsonBody(input.request, opts.bodyLimitBytes()));
    if (action === 'countTokens') return countGeminiTokensUpstream({ ...input, body, key }, host, model);
    if (action === 'embedContent' || action === 'batchEmbedContents') {
      return host.run(embedCodec, { ...input, body }, decodeGeminiEmbedRequest(body, model, action === 'batchEmbedContents'));
    }
    return host.run(translator, { ...input, body }, decodeGeminiRequest(body, model, action === 'streamGenerateContent'));
  }

  return translator;
}

function listModels(input: HttpInput, host: RouteHost): Promise<Response> {
  return guard(async () => {
    return json(await listGeminiModels(host, await host.authenticate(input)));
  });
}

function getModel(input: HttpInput, host: RouteHost): Promise<Response> {
  return guard(async () => {
    const key = await host.authenticate(input);
    return json(await getGeminiModel(host, key, parseModelName(input.params.modelAction ?? input.params.model ?? '')));
  });
}

/** A `text/x.enum` request, whose answer goes back bare (see `enum-answer.ts`). */
function enumAnswer(req: GatewayRequest): boolean {
  return req.operation === 'chat' && isEnumRequest((req.body as ChatRequest).responseFormat);
}

/** `?alt=sse` asks for Server-Sent Events; without it Gemini streams a JSON array. */
function isSse(http: HttpInput | undefined): boolean {
  return http?.url.searchParams.get('alt') === 'sse';
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: JSON_HEADERS });
}

/** Custom routes answer their own errors in Gemini's envelope. */
async function guard(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (e) {
    return encodeGeminiError(toGatewayError(e));
  }
}
