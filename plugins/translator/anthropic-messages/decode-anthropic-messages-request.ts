import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest, ResponseFormat } from '../../../core/types/hub.ts';
import { carriesForeignReasoning, continuesToolLoopWithoutThinking } from './anthropic-signature.ts';
import {
  MAPPED_REQUEST_KEYS, MessagesRequestSchema, type CountTokensRequest, type MessagesRequest,
} from './anthropic-messages-request-schema.ts';
import { convertAnthropicMessagesToHub } from './convert-anthropic-messages-to-hub.ts';
import { isPlainMessagesBody } from './is-plain-messages-body.ts';
import { plainOrParsed } from '../../../core/util/plain-fields.ts';
import {
  convertAnthropicThinkingToHub, convertAnthropicToolChoiceToHub, convertAnthropicToolsToHub,
} from './convert-anthropic-tools-to-hub.ts';

/**
 * What the decoder keeps in `ChatRequest.providerOptions.anthropic` (the contract with the
 * `anthropic` provider, which reads these keys by name):
 * - `extra`: top-level request fields the hub does not model (context_management, container,
 *   mcp_servers, service_tier, output_config, unknown new fields…), re-sent as they came;
 * - `serverTools`: Anthropic-defined tools (web_search_…, code_execution_…), sent after custom tools;
 * - `thinking`: the raw `thinking` object when it is `adaptive` (the hub has no slot for it);
 * - `anthropicOnly`: a reason string when the request cannot be served by another provider.
 */
export interface AnthropicRequestOptions {
  extra?: Record<string, unknown>;
  serverTools?: Record<string, unknown>[];
  thinking?: Record<string, unknown>;
  anthropicOnly?: string;
}

/**
 * Validates a Messages request body and decodes it into a hub chat request. Pure. The body is
 * kept as `raw` for the passthrough lane unless an Anthropic upstream would refuse it as is: its
 * history carries reasoning another provider made (`carriesForeignReasoning`), or thinking is on
 * in a tool loop whose assistant turn has no thinking block (`continuesToolLoopWithoutThinking`).
 *
 * Errors: throws GatewayError `GW_BAD_REQUEST` (400) naming the first invalid field; the
 * message never echoes the body.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function decodeAnthropicMessagesRequest(body: unknown): GatewayRequest<'chat'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('GW_BAD_REQUEST', 'The request body must be a JSON object.');
  }
  // What agents send is checked by hand (the schema would accept it unchanged); anything else
  // goes through the schema, which also words the errors.
  const req: MessagesRequest = plainOrParsed(body as Record<string, unknown>, isPlainMessagesBody, MessagesRequestSchema, invalidRequest);
  // History an Anthropic upstream refuses as is cannot be forwarded byte for byte: reasoning
  // another provider made (foreign or empty signatures), or a tool loop with thinking on whose
  // assistant turn has no thinking block. Without `raw` the request takes the converted lane,
  // which drops that reasoning and turns thinking off where the tool loop needs it.
  const convert = carriesForeignReasoning(req.messages) || continuesToolLoopWithoutThinking(req.thinking, req.messages);
  const raw = convert ? undefined : (body as Record<string, unknown>);
  // The hub form is built on first read: Claude Code on an Anthropic upstream (the passthrough
  // lane) never needs it, and on an agent's conversation it costs ~35 µs per 100 KB (measured).
  let chat: ChatRequest | undefined;
  return {
    operation: 'chat', model: req.model, stream: req.stream === true, raw,
    get body() {
      return (chat ??= convertRequest(req));
    },
  };
}

/** Builds the hub request from a validated body; shared with count_tokens. */
export function convertRequest(req: CountTokensRequest): ChatRequest {
  const chat: ChatRequest = {
    model: req.model,
    messages: convertAnthropicMessagesToHub(req.system, req.messages),
    stream: req.stream === true,
  };
  if (req.max_tokens !== undefined) chat.maxTokens = req.max_tokens;
  if (req.temperature !== undefined) chat.temperature = req.temperature;
  if (req.top_p !== undefined) chat.topP = req.top_p;
  if (req.top_k !== undefined) chat.topK = req.top_k;
  if (req.stop_sequences && req.stop_sequences.length > 0) chat.stop = req.stop_sequences;
  if (typeof req.metadata?.user_id === 'string') chat.user = req.metadata.user_id;
  const { tools, serverTools } = convertAnthropicToolsToHub(req.tools);
  if (tools && tools.length > 0) chat.tools = tools;
  Object.assign(chat, convertAnthropicToolChoiceToHub(req.tool_choice));
  const reasoning = convertAnthropicThinkingToHub(req.thinking, req.output_config?.effort);
  if (reasoning) chat.reasoning = reasoning;
  const format = responseFormatOf(req);
  if (format) chat.responseFormat = format;

  const options: AnthropicRequestOptions = {};
  const extra = extraFields(req);
  if (extra) options.extra = extra;
  if (serverTools) options.serverTools = serverTools;
  const needed = serverTools?.filter((t) => !isOptionalServerTool(t.type)).map((t) => t.type).join(', ');
  if (needed) {
    options.anthropicOnly = `Anthropic-defined tools (${needed}) need an Anthropic upstream.`;
    chat.nativeOnly = { dialects: ['anthropic-messages'], feature: `Anthropic-defined tools (${needed})` };
  }
  if (req.thinking?.type === 'adaptive') options.thinking = req.thinking;
  if (Object.keys(options).length > 0) chat.providerOptions = { anthropic: options as Record<string, unknown> };
  return chat;
}

/**
 * Anthropic-defined tools a request may offer and still go to any upstream: the tool search
 * tools (`tool_search_tool_regex_…`, `tool_search_tool_bm25_…`), behind which a client defers
 * its many MCP tools (`defer_loading`). Another upstream gets every deferred tool as an ordinary
 * one, which is what the search would have found them among.
 */
function isOptionalServerTool(type: string | undefined): boolean {
  return type?.startsWith('tool_search_tool_') === true;
}

/** Structured output (`output_config.format` or the beta `output_format`) as a hub response format. */
function responseFormatOf(req: CountTokensRequest): ResponseFormat | undefined {
  const f = req.output_config?.format ?? req.output_format;
  if (!f || f.type !== 'json_schema') return undefined;
  const schema = (f as { schema?: unknown }).schema;
  if (typeof schema !== 'object' || schema === null) return undefined;
  return { type: 'json_schema', name: 'output', schema: schema as Record<string, unknown> };
}

function extraFields(req: Record<string, unknown>): Record<string, unknown> | undefined {
  let extra: Record<string, unknown> | undefined;
  for (const key in req) {
    if (MAPPED_REQUEST_KEYS.has(key) || req[key] === undefined) continue;
    (extra ??= {})[key] = req[key];
  }
  return extra;
}

/** A 400 naming the first invalid field, in the style of Anthropic's own messages (values are never echoed). */
export function invalidRequest(issues: readonly v.BaseIssue<unknown>[]): GatewayError {
  const { issue, path } = deepest(issues[0]);
  const detail = issue.kind === 'schema' && issue.received === 'undefined'
    ? 'Field required'
    : issue.message.replace(/ but received .*$/s, '');
  return new GatewayError('GW_BAD_REQUEST', path ? `${path}: ${detail}` : detail, path ? { param: path } : {});
}

/**
 * Union and variant issues hold the useful detail below: follow the branch that got furthest.
 * Paths of sub-issues are relative to their union, so the keys are joined along the way.
 */
function deepest(top: v.BaseIssue<unknown>): { issue: v.BaseIssue<unknown>; path: string } {
  const keys: string[] = [];
  const add = (issue: v.BaseIssue<unknown>) => {
    for (const item of issue.path ?? []) keys.push(String(item.key));
  };
  let current = top;
  add(current);
  while (current.issues && current.issues.length > 0) {
    let best = current.issues[0];
    for (const sub of current.issues) if ((sub.path?.length ?? 0) > (best.path?.length ?? 0)) best = sub;
    current = best;
    add(current);
  }
  return { issue: current, path: keys.join('.') };
}
