import { partsFromBody } from '../../../core/util/parts-from-body.ts';
import { createUsageFrameFilter } from './strip-usage-frame.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import type { Attempt, CallContext, PassthroughReply, ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { buildOpenAIHeaders, chatCompletionsUrl, chatHeaders, isOfficialOpenAI } from './build-openai-headers.ts';
import { convertToOpenAIChatRequest } from './convert-to-openai-chat-request.ts';
import { resultToParts } from '../../../core/types/result-to-parts.ts';
import { createOpenAIChatJsonParser, mapOpenAIChatResponse } from './map-openai-chat-response.ts';
import { createOpenAIChatStreamParser } from './map-openai-chat-stream-event.ts';
import { mapOpenAIError } from './map-openai-error.ts';
import { applyOpenAIQuirks, readOpenAIQuirks, type OpenAIQuirks } from './openai-quirks.ts';
import { createOpenAIOperations } from './openai-operations.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import { streamOf } from '../../../core/util/stream-of.ts';
import { findRefusedField } from './find-refused-field.ts';
import { needsValueWrap } from '../../../core/util/unwrap-json-value.ts';
import { unwrapResultText, unwrapTextParts } from './unwrap-json-value-reply.ts';

/** Quirks per provider runtime (rebuilt on reload) and model: read once, shared read-only. */
const quirksCache = new WeakMap<ProviderRuntime, Map<string, OpenAIQuirks>>();

function quirksOf(attempt: Attempt): OpenAIQuirks {
  let byModel = quirksCache.get(attempt.provider);
  if (!byModel) quirksCache.set(attempt.provider, (byModel = new Map()));
  let q = byModel.get(attempt.target.model);
  if (!q) {
    q = readOpenAIQuirks(modelQuirks(attempt.provider, attempt.target.model));
    if (byModel.size >= 256) byModel.clear();
    byModel.set(attempt.target.model, q);
  }
  return q;
}

/**
 * A 2xx response as it is; anything else rejects with the mapped GatewayError. Not async: a
 * `then` callback that returns a promise costs two more microtask turns on every request.
 */
function okOrThrow(res: Response): Response | Promise<never> {
  if (res.ok) return res;
  return mapOpenAIError(res).then((err) => Promise.reject(err));
}

/** POSTs a chat body; resolves with a 2xx response, throws the mapped GatewayError otherwise. */
function post(attempt: Attempt, body: Record<string, unknown>, stream: boolean): Promise<Response> {
  return attempt.fetch(chatCompletionsUrl(attempt.provider), {
    method: 'POST',
    headers: chatHeaders(attempt.provider, attempt.account, stream),
    body: JSON.stringify(body),
    stream,
  }).then(okOrThrow);
}

/**
 * Fields the converter derives from settings the client gave in its own dialect, which a model
 * may not take: `reasoning_effort` from an Anthropic `thinking`, a Gemini `thinkingBudget`, a
 * Responses `reasoning.effort`. From an OpenAI Chat client it is the client's own field.
 */
const DERIVED_FIELDS = ['reasoning_effort'];

/**
 * POSTs a converted body. When the upstream refuses a derived field by name (400 or 422), the
 * body goes once more without it: the client never wrote that field, so failing over it would
 * be the gateway's fault. A known model is better served by the `drop_params` quirk (no wasted
 * round trip); this covers the ones no preset knows (custom deployments, fine-tunes). Never for
 * an OpenAI Chat client, whose fields are its own (it gets the upstream's 400, as from OpenAI).
 */
function postConverted(attempt: Attempt, body: Record<string, unknown>, stream: boolean, call: CallContext | undefined): Promise<Response> {
  const first = post(attempt, body, stream);
  if (call?.dialect === 'openai-chat') return first;
  return first.catch((e: unknown) => {
    const field = findRefusedField(e, body, DERIVED_FIELDS);
    if (field === undefined) throw e;
    call?.log?.info(`upstream ${attempt.provider.name} refused ${field} for ${attempt.target.model}; sent again without it (quirk drop_params: [${field}] saves the round trip)`);
    const { [field]: _refused, ...rest } = body;
    return post(attempt, rest, stream);
  });
}

/** True when the request's JSON schema went out wrapped as `{value: …}` (root not an object). */
function wrapsJsonValue(req: ChatRequest): boolean {
  const f = req.responseFormat;
  return f?.type === 'json_schema' && needsValueWrap(f.schema);
}

function isJson(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').includes('application/json');
}

/** A reply's text as JSON; not JSON is a retryable protocol error. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream sent invalid JSON.', { retryable: true });
  }
}


/**
 * The adapter for every OpenAI-compatible upstream (`type: openai` / `openai-compatible`):
 * OpenAI itself and the presets that speak its wire format, with per-model quirks.
 * Its native dialect is `openai-chat`, which enables the passthrough lane.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function createOpenAICompatibleAdapter(id: string): ProviderAdapter {
  return {
    id,
    nativeDialect: 'openai-chat',
    operations: createOpenAIOperations(),
    chat: {
      async generate(req, attempt, call) {
        const q = quirksOf(attempt);
        const official = isOfficialOpenAI(attempt.provider);
        const body = convertToOpenAIChatRequest({ ...req, stream: false }, { model: attempt.target.model, quirks: q, official });
        const res = await postConverted(attempt, body, false, call);
        const result = mapOpenAIChatResponse(parseJson(await res.text()), q);
        return wrapsJsonValue(req) ? unwrapResultText(result) : result;
      },
      async stream(req, attempt, call) {
        const q = quirksOf(attempt);
        const official = isOfficialOpenAI(attempt.provider);
        const body = convertToOpenAIChatRequest({ ...req, stream: true }, { model: attempt.target.model, quirks: q, official });
        const res = await postConverted(attempt, body, true, call);
        const wrapped = wrapsJsonValue(req);
        // Some servers ignore `stream: true` and answer one JSON body; serve it as a stream.
        if (isJson(res) || !res.body) {
          const result = mapOpenAIChatResponse(await readReplyJson(res, attempt.provider.name), q);
          return streamOf(resultToParts(wrapped ? unwrapResultText(result) : result));
        }
        const parts = partsFromBody(res.body, createOpenAIChatStreamParser(q), 'upstream');
        return wrapped ? unwrapTextParts(parts) : parts;
      },
      passthrough(body, attempt): Promise<PassthroughReply> {
        const q = quirksOf(attempt);
        const stream = body.stream === true;
        let injected = false;
        if (stream && !q.noStreamUsage) {
          const so = body.stream_options && typeof body.stream_options === 'object' ? (body.stream_options as Record<string, unknown>) : {};
          injected = so.include_usage === undefined || so.include_usage === false;
          if (injected) body.stream_options = { ...so, include_usage: true };
        }
        applyOpenAIQuirks(body, q);
        return post(attempt, body, stream).then((response) => {
          const json = isJson(response);
          const parser = stream && !json ? createOpenAIChatStreamParser(q) : createOpenAIChatJsonParser(q);
          // The parser reads usage from the stream; the client gets it only if it asked.
          return injected && !json ? { response, parser, createFilter: createUsageFrameFilter } : { response, parser };
        });
      },
    },
    async listModels(provider) {
      return provider.models;
    },
    preview(req, provider) {
      const quirks = readOpenAIQuirks(modelQuirks(provider, req.model));
      const body = convertToOpenAIChatRequest(req, { model: req.model, quirks, official: isOfficialOpenAI(provider) });
      const headers = Object.fromEntries(buildOpenAIHeaders(provider, provider.accounts[0], req.stream));
      return { url: chatCompletionsUrl(provider), method: 'POST', headers, body };
    },
  };
}
