import { effortForBudget } from '../../../core/util/reasoning-effort.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, ReasoningEffort, ResponseFormat, ToolChoice, ToolDefinition } from '../../../core/types/hub.ts';
import { convertToResponsesInput, PROVIDER } from './convert-to-responses-input.ts';
import { withArrayItems } from '../../../core/util/openai-tool-schemas.ts';

type Json = Record<string, unknown>;

/** Fields the client's providerOptions may never override. */
const PROTECTED = new Set(['model', 'input', 'instructions', 'stream', 'store', 'previous_response_id', 'conversation', 'background']);
/** OpenAI refuses `max_output_tokens` below this. */
const MIN_OUTPUT_TOKENS = 16;
const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/**
 * Converts a hub chat request into a `POST /responses` body for `model`.
 *
 * Always stateless: `store: false`, and `include: ["reasoning.encrypted_content"]` whenever
 * reasoning is requested or sent back, so reasoning survives between turns without stored
 * items. Function tools use the flat Responses shape with `strict` explicit (the Responses API
 * would otherwise default it to true). `providerOptions['openai-responses']` holds wire fields
 * (built-in tools, `include`, `prompt_cache_key`, `reasoning.summary`, `text.verbosity`…) that
 * are merged last: arrays are appended, objects merged, other values set.
 * `seed`, `n`, penalties and `topK` have no Responses equivalent and are not sent.
 *
 * Errors: GatewayError 400 `GW_UNSUPPORTED` for stop sequences, which the Responses API cannot
 * honour: the reply would run past them, so the request is refused rather than silently changed
 * (and a fallback target that has stop sequences is tried).
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function convertToResponsesRequest(req: ChatRequest, model: string): Json {
  if (req.stop && req.stop.length > 0) {
    throw new GatewayError('GW_UNSUPPORTED', 'Stop sequences are not supported by the OpenAI Responses API: remove them or use another provider.', { status: 400 });
  }
  const converted = convertToResponsesInput(req.messages);
  const body: Json = { model };
  if (converted.instructions !== undefined) body.instructions = converted.instructions;
  body.input = converted.input;
  if (req.tools && req.tools.length > 0) body.tools = req.tools.map(convertTool);
  if (req.toolChoice !== undefined) body.tool_choice = convertToolChoice(req.toolChoice);
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.maxTokens !== undefined) body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, req.maxTokens);
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.responseFormat) body.text = { format: convertFormat(req.responseFormat) };
  const reasoning = convertReasoning(req);
  if (reasoning) body.reasoning = reasoning;
  const metadata = stringMetadata(req.metadata);
  if (metadata) body.metadata = metadata;
  if (req.user) body.user = req.user;
  if (req.serviceTier !== undefined) body.service_tier = req.serviceTier;
  body.stream = req.stream;
  body.store = false;
  if (reasoning || converted.hasEncryptedReasoning) body.include = [ENCRYPTED_REASONING];
  mergeWireOptions(body, req.providerOptions?.[PROVIDER]);
  return body;
}

function convertTool(tool: ToolDefinition): Json {
  const out: Json = { type: 'function', name: tool.name };
  if (tool.description !== undefined) out.description = tool.description;
  // OpenAI refuses the whole request for an array schema without `items` (MCP servers send them).
  out.parameters = withArrayItems(tool.parameters) ?? tool.parameters;
  out.strict = tool.strict ?? false;
  return out;
}

function convertToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

function convertFormat(format: ResponseFormat): Json {
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json') return { type: 'json_object' };
  const out: Json = { type: 'json_schema', name: format.name, schema: format.schema };
  if (format.description !== undefined) out.description = format.description;
  if (format.strict !== undefined) out.strict = format.strict;
  return out;
}

/** Effort as asked; a bare token budget is mapped to the nearest effort. */
function convertReasoning(req: ChatRequest): Json | undefined {
  const r = req.reasoning;
  if (!r) return undefined;
  let effort: ReasoningEffort | undefined = r.effort;
  if (effort === undefined && r.budgetTokens !== undefined) effort = effortOfBudget(r.budgetTokens);
  if (effort === undefined && r.enabled === true) effort = 'medium';
  if (effort === undefined && r.enabled === false) return undefined;
  const out: Json = {};
  if (effort !== undefined) out.effort = effort;
  if (r.includeThoughts === true) out.summary = 'auto';
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A budget as an effort (0 or less: `minimal`, the least a reasoning model takes). */
function effortOfBudget(budget: number): ReasoningEffort {
  return budget <= 0 ? 'minimal' : effortForBudget(budget);
}

/** OpenAI metadata: at most 16 string values. */
function stringMetadata(metadata: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!metadata) return undefined;
  const entries = Object.entries(metadata).filter((e): e is [string, string] => typeof e[1] === 'string').slice(0, 16);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function mergeWireOptions(body: Json, options: Json | undefined): void {
  if (!options) return;
  for (const [key, value] of Object.entries(options)) {
    if (PROTECTED.has(key) || value === undefined) continue;
    const current = body[key];
    if (Array.isArray(current) && Array.isArray(value)) {
      body[key] = [...current, ...value.filter((v) => typeof v === 'object' || !current.includes(v))];
    } else if (isObject(current) && isObject(value)) {
      body[key] = { ...current, ...value };
    } else {
      body[key] = value;
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
