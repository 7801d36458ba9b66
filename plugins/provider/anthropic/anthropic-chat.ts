import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { ANTHROPIC_TOOL_NAMES, mapToolNames } from '../../../core/util/map-tool-names.ts';
import { findStatedOutputLimit } from '../../../core/util/output-token-limit.ts';
import type { Attempt, CallContext, PassthroughReply, ProviderAdapter, ProviderRuntime, UpstreamPreview } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { convertToAnthropicMessagesRequest, type AnthropicConvertOptions } from './convert-to-anthropic-messages-request.ts';
import { createAnthropicJsonParser, createAnthropicStreamParser } from './create-anthropic-stream-parser.ts';
import { readAnthropicError } from './map-anthropic-error.ts';
import { mapAnthropicResponse } from './map-anthropic-response.ts';
import { parseAnthropicResponseStream } from './parse-anthropic-response-stream.ts';
import { sendRepaired } from '../../../core/util/send-repaired.ts';
import { dropBlankText } from './drop-blank-text.ts';
import { uniqueToolUseIds } from './unique-tool-ids.ts';
import { fitImages } from './fit-images.ts';
import { isToolSchemaRefusal, upgradeToolSchemas } from './upgrade-tool-schemas.ts';
import { knownOutputLimit, rememberOutputLimit, withMaxTokensWithin } from './fit-max-tokens.ts';
import { findRefusedField, rememberRefusedField, withoutFields, withoutKnownRefusedFields } from './drop-refused-fields.ts';
import { fitToModelGeneration, refusedThinkingShape, rememberThinkingShape, withThinkingShape } from './fit-thinking.ts';
import { withinCacheBreakpoints } from './fit-cache-breakpoints.ts';
import { referencesAsText, refusesToolReferences, withReferencesAsText } from './tool-references.ts';
import { MID_CONVERSATION_SYSTEM, refusesSystemEntries, systemFold, withSystemAsReminders } from './fold-system-messages.ts';
import { keptBetas, refusedBetasOf, rememberRefused } from '../../../core/util/anthropic-betas.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';

/** Where `type: anthropic` goes without a `base_url`. */
export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Sent when the client did not name a version (every Messages feature is available under it). */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** `${baseUrl}/v1/messages`; a base URL that already ends with `/v1` is not doubled. */
export function anthropicMessagesUrl(baseUrl: string | undefined): string {
  const base = (baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
  return base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`;
}

/**
 * Outbound headers: the provider's configured headers, the account key as `x-api-key`, or in the
 * header the provider names (`auth: { header, scheme }`, e.g. Z.ai's `authorization: Bearer`;
 * `auth: bearer` in its options, also used for OAuth tokens),
 * `anthropic-version` (the client's when it sent one, else 2023-06-01) and the client's
 * `anthropic-beta` flags added to any configured ones. A client's `oauth-*` beta flag (Claude
 * Code logged in with a subscription) is left out when the gateway authenticates with an API key:
 * it describes the client's own credentials, not ours.
 */
const BEARER: NonNullable<ProviderRuntime['auth']> = { header: 'authorization', scheme: 'Bearer' };
const API_KEY: NonNullable<ProviderRuntime['auth']> = { header: 'x-api-key' };

export function anthropicHeaders(attempt: Pick<Attempt, 'provider' | 'account'>, client?: Headers): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(attempt.provider.headers ?? {})) h[k.toLowerCase()] = v;
  h['content-type'] = 'application/json';
  const auth = attempt.provider.options?.auth === 'bearer' ? BEARER : attempt.provider.auth ?? API_KEY;
  const bearer = auth.header.toLowerCase() === 'authorization';
  const secret = attempt.account?.secret;
  if (secret) h[auth.header.toLowerCase()] = auth.scheme ? `${auth.scheme} ${secret}` : secret;
  h['anthropic-version'] = client?.get('anthropic-version') ?? h['anthropic-version'] ?? DEFAULT_ANTHROPIC_VERSION;
  const flags = (client?.get('anthropic-beta') ?? '').split(',').map((f) => f.trim())
    .filter((f) => f.length > 0 && (bearer || !f.startsWith('oauth-')));
  if (flags.length > 0) h['anthropic-beta'] = [h['anthropic-beta'], ...flags].filter(Boolean).join(',');
  return h;
}

/**
 * Adapter options read from the provider's YAML entry (`structured_output`, `max_tokens`) and
 * the model's quirks (`max_output_tokens`, the model's output limit).
 */
export function convertOptionsOf(provider: ProviderRuntime, model: string): AnthropicConvertOptions {
  const o = provider.options ?? {};
  const opts: AnthropicConvertOptions = {};
  if (o.structured_output === 'native') opts.structuredOutput = 'native';
  if (typeof o.max_tokens === 'number' && o.max_tokens > 0) opts.defaultMaxTokens = o.max_tokens;
  const limit = knownOutputLimit(provider, model);
  if (limit !== undefined) opts.maxOutputTokens = limit;
  return opts;
}

/**
 * Sends a Messages body, either lane's. Its images are made to fit the API's rules first
 * (`fitImages`: labels as the bytes are, sizes and counts within the limits), its tool_use ids
 * made unique (`uniqueToolUseIds`), fields the model's upstream refused before are left out
 * (`withoutKnownRefusedFields`), its thinking and sampling are as the model's generation
 * takes them (`fitToModelGeneration`), and it carries no more cache breakpoints than the API takes
 * (`withinCacheBreakpoints`).
 */
function send(given: Record<string, unknown>, attempt: Attempt, call: CallContext): Promise<Response> {
  let body = withinCacheBreakpoints(referencesAsText.apply(systemFold.apply(fitToModelGeneration(withoutKnownRefusedFields(given, attempt), attempt), attempt), attempt));
  const unique = uniqueToolUseIds(body.messages);
  if (unique) body = { ...body, messages: unique };
  const fitted = fitImages(body.messages);
  if (fitted === undefined) return post(body, attempt, call);
  if (fitted instanceof Promise) return fitted.then((messages) => post({ ...body, messages }, attempt, call));
  return post({ ...body, messages: fitted }, attempt, call);
}

/**
 * `anthropic-beta` flags each provider's endpoint refused ("Unexpected value(s) `effort-2025-11-24`
 * for the `anthropic-beta` header": Claude behind a proxy to Vertex or Bedrock, a vendor's
 * endpoint): left out of its later requests.
 */
const refusedBetas = new ProviderMemo<Set<string>>();

/**
 * Refusals answered by posting once more, at most this many in a row: one turn of Claude Code can
 * carry beta flags and fields the upstream does not take, and a `max_tokens` above its model's
 * limit, each refused on its own.
 */
const MAX_REPAIRS = 4;

/**
 * POSTs the body. Five refusals of what a client sends on every turn are answered by posting
 * once more, set right (up to `MAX_REPAIRS` in a row): `anthropic-beta` flags the endpoint does
 * not take, without them (remembered for the provider); a tool's schema refused as not draft
 * 2020-12 (an MCP server's schema in an older draft's forms), with the schemas upgraded
 * (`upgradeToolSchemas`); thinking in the shape the model does not take (`enabled` with a
 * budget for Opus 4.7 and later, `adaptive` before 4.6), in the other one (`withThinkingShape`),
 * remembered for the model; a field the upstream does not define ("context_management: Extra
 * inputs are not permitted"), without it (`findRefusedField`), remembered for the model; a
 * `max_tokens` above the model's output limit (a smaller model routed in the client's place),
 * capped at the limit the refusal states (`withMaxTokensWithin`), remembered for the model. Any
 * other refusal is thrown as the mapped GatewayError. A request that goes through pays nothing
 * for the repairs.
 */
async function post(body: Record<string, unknown>, attempt: Attempt, call: CallContext, repairs = MAX_REPAIRS): Promise<Response> {
  // Anthropic's SDKs mark beta calls with `?beta=true`; it is kept for upstreams that look at it.
  const beta = call.http?.url?.searchParams.get('beta') === 'true' ? '?beta=true' : '';
  const headers = anthropicHeaders(attempt, call.http?.headers);
  const refusedFlags = refusedBetas.get(attempt.provider, '');
  if (refusedFlags && headers['anthropic-beta']) {
    const kept = keptBetas(headers['anthropic-beta'], refusedFlags, true);
    if (kept) headers['anthropic-beta'] = kept;
    else delete headers['anthropic-beta'];
  }
  const res = await attempt.fetch(anthropicMessagesUrl(attempt.provider.baseUrl) + beta, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: attempt.signal,
    stream: body.stream === true,
  });
  if (res.ok) return res;
  const err = await readAnthropicError(res);
  if (repairs === 0) throw err;
  const where = { id: call.id, provider: attempt.provider.name, model: attempt.target.model };
  const tools = isToolSchemaRefusal(err) ? upgradeToolSchemas(body.tools) : undefined;
  if (tools) {
    call.log?.info('tool schemas upgraded to JSON Schema draft 2020-12 after a refusal; sent again', where);
    return post({ ...body, tools }, attempt, call, repairs - 1);
  }
  const flags = refusedBetasOf(err.upstream?.message ?? err.message).filter((f) => !refusedFlags?.has(f));
  if (flags.length > 0) {
    const known = refusedBetas.get(attempt.provider, '') ?? new Set<string>();
    rememberRefused(known, flags);
    refusedBetas.set(attempt.provider, '', known);
    call.log?.info(`the upstream does not take the anthropic-beta flags ${flags.join(', ')}; sent again without them, as its later requests go`, where);
    // Without the mid-conversation-system beta, the `system` entries it allows go as reminders.
    return post(flags.some((f) => MID_CONVERSATION_SYSTEM.test(f)) ? foldSystemEntries(body, attempt) : body, attempt, call, repairs - 1);
  }
  if (refusesToolReferences(err, body)) {
    referencesAsText.learn(attempt);
    call.log?.info('the upstream does not take tool_reference blocks; sent again with them as text, as the model\'s later requests go', where);
    return post({ ...body, messages: withReferencesAsText(body.messages as unknown[]) }, attempt, call, repairs - 1);
  }
  if (refusesSystemEntries(err, body)) {
    call.log?.info('the upstream does not take system entries in messages; sent again with them as <system-reminder> blocks, as the model\'s later requests go', where);
    return post(foldSystemEntries(body, attempt), attempt, call, repairs - 1);
  }
  const shape = refusedThinkingShape(err, body);
  if (shape) {
    rememberThinkingShape(attempt, shape);
    call.log?.info(`the model takes thinking of type ${shape}; sent again so, as the model's later requests go`, where);
    return post(withThinkingShape(body, shape), attempt, call, repairs - 1);
  }
  const field = findRefusedField(err, body);
  if (field) {
    rememberRefusedField(attempt, field);
    const what = field.on === 'tool' ? `the tools' ${field.name}` : field.on === 'block' ? `${field.name} on ${field.block} blocks` : field.name;
    call.log?.info(`the upstream does not take ${what}; sent again without it, as the model's later requests go`, where);
    return post(withoutFields(body, [field]), attempt, call, repairs - 1);
  }
  const stated = findStatedOutputLimit(err, body);
  const limit = stated?.limit;
  const capped = limit === undefined ? undefined : withMaxTokensWithin(body, limit);
  if (!capped || limit === undefined) throw err;
  if (stated?.room) {
    call.log?.info(`the upstream has room for ${limit} output tokens beside this prompt; sent again with max_tokens: ${limit}`, where);
    return post(capped, attempt, call, repairs - 1);
  }
  rememberOutputLimit(attempt, limit);
  call.log?.info(`the model takes at most ${limit} output tokens; sent again with max_tokens: ${limit} (quirk max_output_tokens: ${limit} saves the round trip)`, where);
  return post(capped, attempt, call, repairs - 1);
}

/** The body with its `system` entries as reminders (`withSystemAsReminders`), remembered for the model. */
function foldSystemEntries(body: Record<string, unknown>, attempt: Attempt): Record<string, unknown> {
  if (!Array.isArray(body.messages)) return body;
  const messages = withSystemAsReminders(body.messages);
  if (messages === body.messages) return body;
  systemFold.learn(attempt);
  return { ...body, messages };
}

/** Claude 4.6 and later refuse a conversation that ends with an assistant turn (a prefill). */
const NO_PREFILL = /does not support assistant message prefill/i;
/** The turn that replaces a refused prefill: the model goes on from the conversation so far. */
const CONTINUE: Record<string, unknown> = { role: 'user', content: [{ type: 'text', text: 'Continue.' }] };

/**
 * `send` for a converted body. A client of another dialect that ends its conversation with an
 * assistant turn (a prefill, as Aider and some agents send; OpenAI takes it) gets, from a model
 * that refuses prefills, the attempt once more with a short user turn after it: the reply goes
 * on from there instead of failing. The passthrough lane is not repaired this way (an Anthropic
 * client's request stays its own, blank text aside: see `passthrough`).
 */
function sendConverted(body: Record<string, unknown>, attempt: Attempt, call: CallContext): Promise<Response> {
  return sendRepaired((b) => send(b, attempt, call), body, (e, b) => {
    const messages = b.messages as Array<{ role?: string }> | undefined;
    const refused = e instanceof GatewayError && e.upstream?.status === 400 && NO_PREFILL.test(e.upstream.message ?? e.message);
    return refused && messages?.at(-1)?.role === 'assistant' ? { ...b, messages: [...messages, CONTINUE] } : undefined;
  });
}

function noBody(): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Anthropic upstream answered without a body.', { retryable: true });
}

/**
 * Non-streamed Messages call → hub result. Tool names the API refuses go renamed and come back
 * as the client wrote them (`mapToolNames`). Throws the mapped GatewayError on a non-2xx answer.
 */
async function generate(req: ChatRequest, attempt: Attempt, call: CallContext): Promise<ChatResult> {
  const names = mapToolNames(req, ANTHROPIC_TOOL_NAMES);
  const model = attempt.target.model;
  const plan = convertToAnthropicMessagesRequest({ ...(names?.request ?? req), stream: false }, model, convertOptionsOf(attempt.provider, model));
  const res = await sendConverted(plan.body, attempt, call);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Anthropic upstream returned a malformed message.', { retryable: true });
  }
  const result = mapAnthropicResponse(json, { jsonTool: plan.jsonTool, jsonWrapped: plan.jsonWrapped });
  return names ? names.restoreResult(result) : result;
}

/** Streamed Messages call; resolves once the upstream answered 2xx. Tool names as in `generate`. */
async function stream(req: ChatRequest, attempt: Attempt, call: CallContext): Promise<ReadableStream<StreamPart>> {
  const names = mapToolNames(req, ANTHROPIC_TOOL_NAMES);
  const model = attempt.target.model;
  const plan = convertToAnthropicMessagesRequest({ ...(names?.request ?? req), stream: true }, model, convertOptionsOf(attempt.provider, model));
  const res = await sendConverted(plan.body, attempt, call);
  if (!res.body) throw noBody();
  const parts = parseAnthropicResponseStream(res.body, createAnthropicStreamParser({ jsonTool: plan.jsonTool, jsonWrapped: plan.jsonWrapped }));
  return names ? names.restoreStream(parts) : parts;
}

/**
 * The client's own Messages body with `model` replaced, `max_tokens` within the model's known
 * output limit (`withMaxTokensWithin`: a smaller model routed in the client's place), and in its
 * history what the API refuses and clients replay set right: blank text blocks and empty
 * messages dropped (`dropBlankText`; replies carry them), images as `send` fits them for either
 * lane. Bytes go back untouched.
 */
async function passthrough(body: Record<string, unknown>, attempt: Attempt, call: CallContext): Promise<PassthroughReply> {
  const model = attempt.target.model;
  const limit = knownOutputLimit(attempt.provider, model);
  const sent: Record<string, unknown> = { ...((limit !== undefined && withMaxTokensWithin(body, limit)) || body), model };
  const messages = dropBlankText(body.messages);
  if (messages) sent.messages = messages;
  const res = await send(sent, attempt, call);
  if (!res.body) throw noBody();
  const parser = body.stream === true ? createAnthropicStreamParser() : createAnthropicJsonParser();
  return { response: res, parser };
}

/** The Messages request `generate`/`stream` would send (playground preview; no network). */
function preview(req: ChatRequest, provider: ProviderRuntime): UpstreamPreview {
  const named = mapToolNames(req, ANTHROPIC_TOOL_NAMES)?.request ?? req;
  const plan = convertToAnthropicMessagesRequest(named, req.model, convertOptionsOf(provider, req.model));
  return { url: anthropicMessagesUrl(provider.baseUrl), method: 'POST', headers: anthropicHeaders({ provider, account: provider.accounts[0] }), body: plan.body };
}

/** The `anthropic` adapter: Messages API upstreams (Anthropic and compatible endpoints). */
export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  nativeDialect: 'anthropic-messages',
  chat: { generate, stream, passthrough },
  preview,
};
