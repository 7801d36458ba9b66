import type { GatewayRequest, HttpInput } from '../../../core/plugin/types.ts';
import type {
  ChatRequest,
  ReasoningSettings,
  ResponseFormat,
  ToolChoice,
} from '../../../core/types/hub.ts';
import { allowedFunctionTools } from './allowed-function-tools.ts';
import { badRequest, schemaError } from './check-schema.ts';
import { plainOrParsed } from '../../../core/util/plain-fields.ts';
import { convertResponsesInput } from './convert-responses-input.ts';
import { declaredTools, flatToolName } from './client-tools.ts';
import { findNativeOnlyFeature } from './find-native-only-feature.ts';
import { isPlainResponsesBody } from './is-plain-responses-body.ts';
import { passthroughBody } from './passthrough-body.ts';
import { RESPONSES_ORIGIN } from './reasoning-envelope.ts';
import { ResponsesRequestSchema, type ResponsesRequestBody } from './responses-request-schema.ts';
import type { StoredResponses } from './stored-responses.ts';

/** Fields mapped onto hub fields (or refused); everything else travels in providerOptions. */
const MAPPED = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
  'temperature', 'top_p', 'reasoning', 'text', 'store', 'stream', 'previous_response_id', 'conversation',
  'background', 'metadata', 'user',
]);

/**
 * Validates a `POST /v1/responses` body and decodes it into a hub chat request.
 *
 * Responses-only settings (`include`, `prompt_cache_key`, `service_tier`, `truncation`,
 * `client_metadata`, `reasoning.summary`, `text.verbosity`, built-in tools, unknown extras) are
 * kept as wire fields in `providerOptions['openai-responses']`, which a Responses upstream
 * merges into its body. `raw` (the passthrough body) leaves out reasoning items another
 * provider made (see `passthroughBody`).
 *
 * With `stored` (stored responses on), a `previous_response_id` or a `conversation` is replaced
 * by the items it stands for, and an `item_reference` by the item it names: the hub messages and
 * the passthrough body both carry the whole input, so any upstream can serve the next turn.
 * Without it, all three are refused.
 *
 * Errors: GatewayError 400 (`param` set) for an invalid body, an unknown `previous_response_id`,
 * `background` and uploaded-file references; 404 for an unknown `conversation`.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function decodeResponsesRequest(input: HttpInput, stored?: StoredResponses): GatewayRequest<'chat'> {
  const raw = input.body;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badRequest('The request body must be a JSON object.');
  }
  // What agents send is checked by hand; anything else by the schema, which words the errors.
  const body: ResponsesRequestBody = plainOrParsed(raw as Record<string, unknown>, isPlainResponsesBody, ResponsesRequestSchema, (issues) => schemaError(issues));
  refuseStatefulFields(body, stored !== undefined);
  let wire = raw as Record<string, unknown>;
  let items: unknown[] | string | undefined = body.input;
  // The client's own input, with item references replaced: what native-only features are looked for in.
  let ownWire = wire;
  if (stored) {
    const given = inputItems(body.input);
    const { history, own } = stored.begin(input, wire, given);
    if (own !== given) ownWire = { ...wire, input: own };
    if (history.length > 0 || own !== given || wire.previous_response_id != null || wire.conversation != null) {
      items = [...history, ...own];
      const { previous_response_id: _p, conversation: _c, ...rest } = wire;
      wire = { ...rest, input: items };
    }
  }
  const messages = convertResponsesInput(items, body.instructions);
  if (messages.length === 0) throw badRequest('Invalid request: input is required.', 'input');

  const chat: ChatRequest = { model: body.model, messages, stream: body.stream === true };
  const extras = collectExtras(raw as Record<string, unknown>, body);
  const tools = declaredTools(body.tools, typeof items === 'string' ? [] : items ?? []);
  if (tools.hub.length > 0) chat.tools = tools.hub;
  if (tools.native.length > 0) extras.tools = tools.native;
  const toolChoice = convertToolChoice(body.tool_choice, extras);
  if (toolChoice) chat.toolChoice = toolChoice;
  const allowed = allowedFunctionTools(body.tool_choice);
  if (allowed) {
    chat.toolChoice = allowed.mode;
    const kept = chat.tools?.filter((t) => allowed.names.has(t.name));
    if (kept && kept.length > 0) chat.tools = kept;
  }
  if (typeof body.parallel_tool_calls === 'boolean') chat.parallelToolCalls = body.parallel_tool_calls;
  if (typeof body.max_output_tokens === 'number') chat.maxTokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') chat.temperature = body.temperature;
  if (typeof body.top_p === 'number') chat.topP = body.top_p;
  const format = convertTextFormat(body.text?.format);
  if (format) chat.responseFormat = format;
  const reasoning = convertReasoning(body.reasoning);
  if (reasoning) chat.reasoning = reasoning;
  if (body.metadata) chat.metadata = { ...body.metadata };
  if (typeof body.user === 'string') chat.user = body.user;
  if (typeof body.service_tier === 'string') chat.serviceTier = body.service_tier;
  if (Object.keys(extras).length > 0) chat.providerOptions = { [RESPONSES_ORIGIN]: extras };

  const feature = findNativeOnlyFeature(ownWire);
  if (feature !== undefined) chat.nativeOnly = { dialects: ['openai-responses'], feature };

  const req: GatewayRequest<'chat'> = { operation: 'chat', model: body.model, stream: chat.stream, body: chat, raw: passthroughBody(wire) };
  stored?.decoded(input, req);
  return req;
}

/** The input as a list of items (a string is one user message). */
export function inputItems(input: ResponsesRequestBody['input']): unknown[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  return input ?? [];
}

function refuseStatefulFields(body: ResponsesRequestBody, storing: boolean): void {
  if (!storing && typeof body.previous_response_id === 'string' && body.previous_response_id.length > 0) {
    throw badRequest('previous_response_id is not supported here: stored responses are off; send the full input.', 'previous_response_id');
  }
  if (!storing && body.conversation !== undefined && body.conversation !== null) {
    throw badRequest('conversation is not supported here: stored responses are off; send the full input.', 'conversation');
  }
  if (body.background === true) {
    throw badRequest('background responses are not supported: this gateway runs every response while the client waits.', 'background');
  }
}

/** Unknown top-level fields plus Responses-only settings, as wire fields. */
function collectExtras(raw: Record<string, unknown>, body: ResponsesRequestBody): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!MAPPED.has(key) && raw[key] !== undefined && raw[key] !== null) extras[key] = raw[key];
  }
  const summary = body.reasoning?.summary ?? body.reasoning?.generate_summary;
  if (summary) extras.reasoning = { summary };
  if (body.text?.verbosity) extras.text = { verbosity: body.text.verbosity };
  return extras;
}

function convertToolChoice(choice: ResponsesRequestBody['tool_choice'], extras: Record<string, unknown>): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' || choice.type === 'custom') {
    if (typeof choice.name !== 'string' || choice.name.length === 0) {
      throw badRequest('Invalid request: tool_choice.name is required for a function tool choice.', 'tool_choice.name');
    }
    const namespace = (choice as { namespace?: unknown }).namespace;
    return { type: 'tool', name: flatToolName(typeof namespace === 'string' ? namespace : undefined, choice.name) };
  }
  extras.tool_choice = choice;
  return undefined;
}

function convertTextFormat(format: NonNullable<ResponsesRequestBody['text']>['format']): ResponseFormat | undefined {
  if (!format) return undefined;
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json' };
  const out: ResponseFormat = { type: 'json_schema', name: format.name, schema: format.schema };
  if (typeof format.strict === 'boolean') out.strict = format.strict;
  if (typeof format.description === 'string') out.description = format.description;
  return out;
}

function convertReasoning(reasoning: ResponsesRequestBody['reasoning']): ReasoningSettings | undefined {
  if (!reasoning) return undefined;
  const out: ReasoningSettings = {};
  if (reasoning.effort) {
    out.effort = reasoning.effort;
    out.enabled = reasoning.effort !== 'none';
  }
  const summary = reasoning.summary ?? reasoning.generate_summary;
  if (summary) out.includeThoughts = summary !== 'none';
  return Object.keys(out).length > 0 ? out : undefined;
}
