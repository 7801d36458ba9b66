import { partsFromBody } from '../../../core/util/parts-from-body.ts';
import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpClient } from '../../../core/http/types.ts';
import type { Attempt, CallContext, PassthroughReply, ProviderAdapter, ProviderRuntime, UpstreamPreview } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { convertToGeminiRequest, withThinkingFitted, type GeminiConvertOptions } from './convert-to-gemini-request.ts';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { GEMINI_TOOL_NAMES, mapToolNames } from '../../../core/util/map-tool-names.ts';
import { outputTokenLimit } from '../../../core/util/output-token-limit.ts';
import { sendRepaired } from '../../../core/util/send-repaired.ts';
import { createGeminiStreamParser, type GeminiBodyFormat } from './create-gemini-stream-parser.ts';
import { createJsonArrayElementFilter, createJsonArraySplitter } from './split-json-array.ts';
import { fillPassthroughSignatures } from './fill-passthrough-signatures.ts';
import { jsonTextArgs } from './json-text-args.ts';
import { knownTextProperties, refusedToolProperties, rememberTextProperties, withPropertiesAsText } from './schema-as-text.ts';
import { refusedUnknownFields, rememberUnknownFields, withoutKnownUnknownFields, withoutUnknownFields } from './drop-unknown-fields.ts';
import { geminiApiRoot, geminiModelUrl } from './gemini-url.ts';
import { geminiEmbed, geminiImage } from './gemini-operations.ts';
import { countGeminiInputTokens } from './count-gemini-input-tokens.ts';
import type { GeminiContent, GeminiRequest, GeminiResponse } from './gemini-wire-types.ts';
import { readGeminiError } from './map-gemini-error.ts';
import { mapGeminiResponse } from './map-gemini-response.ts';

/**
 * The `gemini` provider adapter: generativelanguage.googleapis.com (or anything that speaks
 * its REST API). Native dialect `gemini`, so a Gemini client's body is forwarded on the
 * passthrough lane, its thinking settings fitted to the target model's family
 * (`withThinkingFitted`) and its history's missing thought signatures filled. The key goes in
 * `x-goog-api-key`, never in the URL. On the converted
 * lane, tool names Gemini refuses go renamed and come back as the client wrote them
 * (`mapToolNames`), and max tokens are capped to the model's `max_output_tokens`. Token counts
 * of every client dialect go to the upstream's `countTokens`.
 *
 * @see https://ai.google.dev/api/generate-content
 */
export function createGeminiAdapter(http?: HttpClient): ProviderAdapter {
  return {
    id: 'gemini',
    nativeDialect: 'gemini',
    operations: { embed: geminiEmbed, image: geminiImage, countTokens: countGeminiInputTokens },
    chat: {
      async generate(req: ChatRequest, attempt: Attempt): Promise<ChatResult> {
        const names = mapToolNames(req, GEMINI_TOOL_NAMES);
        const body = convertFor(names?.request ?? req, attempt);
        const url = geminiModelUrl(attempt.provider.baseUrl, attempt.target.model, 'generateContent');
        const res = await sendRepaired((b) => post(attempt, url, b), body, (e, b) => repairRefused(e, b, attempt), MAX_REPAIRS);
        let json: unknown;
        try {
          json = await res.json();
        } catch (e) {
          throw isGatewayError(e) ? e : protocolError('The Gemini upstream returned a malformed response.', e);
        }
        const args = jsonTextArgs(names?.request ?? req, knownTextProperties(attempt));
        const mapped = mapGeminiResponse(json as GeminiResponse, { model: attempt.target.model });
        const result = args ? args.restoreResult(mapped) : mapped;
        return names ? names.restoreResult(result) : result;
      },
      async stream(req: ChatRequest, attempt: Attempt): Promise<ReadableStream<StreamPart>> {
        const names = mapToolNames(req, GEMINI_TOOL_NAMES);
        const url = geminiModelUrl(attempt.provider.baseUrl, attempt.target.model, 'streamGenerateContent', true);
        const body = convertFor(names?.request ?? req, attempt);
        const res = await sendRepaired((b) => post(attempt, url, b), body, (e, b) => repairRefused(e, b, attempt), MAX_REPAIRS);
        if (!res.body) throw protocolError('The Gemini upstream sent no stream body.');
        const raw = partsFromBody(res.body, createGeminiStreamParser({ model: attempt.target.model, format: 'sse', secret: attempt.account?.secret }), 'Gemini upstream');
        const args = jsonTextArgs(names?.request ?? req, knownTextProperties(attempt));
        const parts = args ? args.restoreStream(raw) : raw;
        return names ? names.restoreStream(parts) : parts;
      },
      async passthrough(body: Record<string, unknown>, attempt: Attempt, call: CallContext): Promise<PassthroughReply> {
        const { method, sse } = clientMethod(call);
        const url = geminiModelUrl(attempt.provider.baseUrl, attempt.target.model, method, sse);
        const sent = withoutKnownUnknownFields(withThinkingFitted(fillPassthroughSignatures(body, attempt.target.model), attempt.target.model), attempt);
        const response = await sendRepaired((b) => post(attempt, url, b), sent, (e, b) => repairUnknownFields(e, b, attempt), MAX_REPAIRS);
        const format: GeminiBodyFormat = method === 'generateContent' ? 'json' : sse ? 'sse' : 'json-array';
        const secret = attempt.account?.secret;
        const array = format === 'json-array' && !(response.headers.get('content-type') ?? '').startsWith('text/event-stream');
        if (!array) return { response, parser: createGeminiStreamParser({ model: attempt.target.model, format, secret }) };
        // A JSON array leaves in whole elements, so a break upstream still ends it validly.
        const splitter = createJsonArraySplitter();
        const parser = createGeminiStreamParser({ model: attempt.target.model, format, secret, splitter });
        return { response, parser, createFilter: () => createJsonArrayElementFilter(splitter) };
      },
    },
    async listModels(provider: ProviderRuntime): Promise<string[]> {
      if (!http) return provider.models;
      const secret = provider.accounts[0]?.secret;
      const res = await http.fetch(`${geminiApiRoot(provider.baseUrl)}/models?pageSize=1000`, {
        headers: headers(provider, secret),
        allowPrivateNetwork: provider.allowPrivateNetwork,
        proxy: provider.proxy,
        timeouts: provider.timeouts,
      });
      if (!res.ok) throw await readGeminiError(res, secret);
      const json = (await res.json()) as { models?: Array<{ name?: string; supportedGenerationMethods?: string[] }> };
      return (json.models ?? [])
        .filter((m) => typeof m.name === 'string' && (m.supportedGenerationMethods ?? ['generateContent']).includes('generateContent'))
        .map((m) => (m.name as string).replace(/^models\//, ''));
    },
    preview(req: ChatRequest, provider: ProviderRuntime): UpstreamPreview {
      const method = req.stream ? 'streamGenerateContent' : 'generateContent';
      const url = geminiModelUrl(provider.baseUrl, req.model, method, req.stream);
      const body = convertToGeminiRequest(mapToolNames(req, GEMINI_TOOL_NAMES)?.request ?? req, convertOptionsOf(provider, req.model));
      return { url, method: 'POST', headers: headers(provider, provider.accounts[0]?.secret), body };
    },
  };
}

/**
 * The converted lane's body: the request converted (`convertToGeminiRequest`), with the tool
 * parameters the model's upstream refused the schema of before asked for as JSON text.
 */
function convertFor(req: ChatRequest, attempt: Attempt): GeminiRequest {
  const body = withPropertiesAsText(convertToGeminiRequest(req, convertOptionsOf(attempt.provider, attempt.target.model)), knownTextProperties(attempt));
  return withoutKnownUnknownFields(body as unknown as Record<string, unknown>, attempt) as unknown as GeminiRequest;
}

/** Refusals answered by sending once more, at most this many in a row (Gemini names a few refused schemas at a time). */
const MAX_REPAIRS = 4;

/**
 * The converted body to send again after a refusal, or undefined: a conversation ending with a
 * model turn gets a user turn (`continueAfterModelTurn`); tool parameters whose schema Gemini
 * refuses by place or name are asked for as JSON text (`refusedToolProperties`), remembered for
 * the model, and read back from the reply (`jsonTextArgs`).
 */
function repairRefused(err: unknown, body: GeminiRequest, attempt: Attempt): GeminiRequest | undefined {
  const continued = continueAfterModelTurn(err, body);
  if (continued) return continued;
  const refused = refusedToolProperties(err, body);
  if (refused.size === 0) return repairUnknownFields(err, body as unknown as Record<string, unknown>, attempt) as GeminiRequest | undefined;
  rememberTextProperties(attempt, refused);
  return withPropertiesAsText(body, refused);
}

/**
 * Either lane's body without the fields the upstream named as unknown (`refusedUnknownFields`:
 * Vertex AI refusing the ids of function calls and responses that Gemini CLI replays), remembered
 * for the model; undefined when the refusal names none.
 */
function repairUnknownFields(err: unknown, body: Record<string, unknown>, attempt: Attempt): Record<string, unknown> | undefined {
  const fields = refusedUnknownFields(err, body);
  if (fields.length === 0) return undefined;
  rememberUnknownFields(attempt, fields);
  return withoutUnknownFields(body, fields);
}

/** What the model's quirks add to the conversion: its output limit (`max_output_tokens`). */
function convertOptionsOf(provider: ProviderRuntime, model: string): GeminiConvertOptions {
  const limit = outputTokenLimit(modelQuirks(provider, model));
  return limit === undefined ? {} : { maxOutputTokens: limit };
}

function headers(provider: ProviderRuntime, secret: string | undefined): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...provider.headers };
  if (secret) h['x-goog-api-key'] = secret;
  return h;
}

/** POSTs a JSON body; a non-2xx answer is thrown as the mapped GatewayError. */
async function post(attempt: Attempt, url: string, body: unknown): Promise<Response> {
  const secret = attempt.account?.secret;
  const res = await attempt.fetch(url, {
    method: 'POST', headers: headers(attempt.provider, secret), body: JSON.stringify(body), stream: url.includes(':streamGenerateContent'),
  });
  if (!res.ok) throw await readGeminiError(res, secret);
  return res;
}

/** Newer Gemini models refuse a conversation that ends with a model turn (a prefill). */
const NO_MODEL_TURN_LAST = /ending with a model turn are not supported/i;
/** The turn that follows a refused prefill: the model goes on from the conversation so far. */
const CONTINUE: GeminiContent = { role: 'user', parts: [{ text: 'Continue.' }] };

/**
 * A converted conversation that ends with a model turn (a client's prefill, or an assistant
 * message its tool loop left last), refused by a model that takes none ("Requests ending with a
 * model turn are not supported", Gemini 3.5 Flash-Lite, 3.6 Flash and later): the same request
 * with a short user turn after it, as for Claude (anthropic-chat.ts). Other models continue
 * the prefill, so it is sent as it is first. The passthrough lane is not repaired: a Gemini
 * client's request stays its own.
 */
function continueAfterModelTurn(err: unknown, body: GeminiRequest): GeminiRequest | undefined {
  const refused = isGatewayError(err) && err.upstream?.status === 400 && NO_MODEL_TURN_LAST.test(err.upstream.message ?? err.message);
  return refused && body.contents.at(-1)?.role === 'model' ? { ...body, contents: [...body.contents, CONTINUE] } : undefined;
}

/** The method and framing the Gemini client asked for (passthrough keeps both). */
function clientMethod(call: CallContext): { method: string; sse: boolean } {
  const path = call.http?.params?.modelAction ?? call.http?.url.pathname ?? '';
  const method = path.slice(path.lastIndexOf(':') + 1);
  const sse = call.http?.url.searchParams.get('alt') === 'sse';
  return { method: method === 'streamGenerateContent' ? method : 'generateContent', sse };
}

function protocolError(message: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', message, { status: 502, retryable: true, cause });
}
