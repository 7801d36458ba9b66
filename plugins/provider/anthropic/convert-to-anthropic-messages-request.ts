import type { ChatRequest } from '../../../core/types/hub.ts';
import { CLAUDE_EFFORT_BUDGET as EFFORT_BUDGET, CLAUDE_MIN_BUDGET as MIN_BUDGET } from '../../../core/util/reasoning-effort.ts';
import { capOutputTokens } from '../../../core/util/output-token-limit.ts';
import { convertToAnthropicMessagesPrompt, type AnthropicMessage } from './convert-to-anthropic-messages-prompt.ts';
import { convertToAnthropicTools } from './convert-to-anthropic-tools.ts';

/** Provider options that change the request (from the provider's YAML entry). */
export interface AnthropicConvertOptions {
  /** `native` sends `output_config.format`; `tool` (default) uses the forced-tool trick. */
  structuredOutput?: 'native' | 'tool';
  /** `max_tokens` when the request has none (else a per-model default). */
  defaultMaxTokens?: number;
  /** The model's output limit: `max_tokens` is capped to it, and a thinking budget kept below it. */
  maxOutputTokens?: number;
}

/** The body to send plus what the reply mapper must know. */
export interface AnthropicRequestPlan {
  body: Record<string, unknown>;
  /** Name of the structured-output tool whose input is the answer (tool trick in use). */
  jsonTool?: string;
  /** The answer is that input's `value` (a schema whose root is not an object, wrapped). */
  jsonWrapped?: boolean;
}

/**
 * What the `anthropic-messages` dialect leaves in `providerOptions.anthropic` (see its decoder):
 * `extra` top-level fields, Anthropic-defined `serverTools`, a raw `thinking` (adaptive).
 */
interface AnthropicRequestOptions {
  extra?: Record<string, unknown>;
  serverTools?: Record<string, unknown>[];
  thinking?: Record<string, unknown>;
}

/**
 * Converts a hub chat request into a Messages request body for `model`.
 *
 * Reasoning → `thinking: {type:'enabled', budget_tokens}` (effort low 1024 / medium 4096 /
 * high 16384 unless a budget is given); `max_tokens` then grows by the budget when it would not
 * exceed it, and is capped to the model's output limit (`maxOutputTokens`), the budget then kept
 * below it. With thinking on, temperature and top_k are left out and forced tool choices become
 * `auto` (the API refuses both combinations); thinking is turned off for a turn that continues
 * a tool loop whose assistant turn has no Anthropic thinking block (it came from elsewhere).
 * Without thinking, temperature is clamped to Anthropic's 0..1 and top_p is dropped when
 * temperature is set (newer models refuse both). Whitespace-only stop sequences are dropped.
 *
 * Errors: GW_UNSUPPORTED (400) from the prompt conversion for unreadable file types.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function convertToAnthropicMessagesRequest(
  req: ChatRequest,
  model: string,
  opts: AnthropicConvertOptions = {},
): AnthropicRequestPlan {
  const anthropic = (req.providerOptions?.anthropic ?? {}) as AnthropicRequestOptions;
  const prompt = convertToAnthropicMessagesPrompt(req.messages);
  const body: Record<string, unknown> = { model };
  if (prompt.system) body.system = prompt.system;
  body.messages = prompt.messages;

  let thinking = thinkingOf(req, anthropic);
  if (thinking && continuesForeignToolLoop(prompt.messages)) thinking = undefined;
  const budget = typeof thinking?.budget_tokens === 'number' ? thinking.budget_tokens : 0;
  let maxTokens = req.maxTokens ?? opts.defaultMaxTokens ?? defaultMaxTokens(model);
  if (budget > 0 && maxTokens <= budget) maxTokens += budget;
  maxTokens = capOutputTokens(maxTokens, opts.maxOutputTokens);
  // The API wants the budget below max_tokens; at the cap, Claude Code's own split (max - 1).
  if (thinking && budget >= maxTokens) thinking = { ...thinking, budget_tokens: Math.max(MIN_BUDGET, maxTokens - 1) };
  body.max_tokens = maxTokens;
  if (thinking) body.thinking = thinking;
  applySampling(body, req, thinking !== undefined);
  const stops = req.stop?.filter((s) => s.trim().length > 0);
  if (stops && stops.length > 0) body.stop_sequences = stops;
  if (req.user) body.metadata = { user_id: req.user };

  const native = opts.structuredOutput === 'native' || hasNativeFormat(anthropic.extra);
  const tools = convertToAnthropicTools(req, anthropic.serverTools, { native, thinking: thinking !== undefined });
  if (tools.tools) body.tools = tools.tools;
  if (tools.toolChoice) body.tool_choice = tools.toolChoice;
  if (native && req.responseFormat?.type === 'json_schema' && !hasNativeFormat(anthropic.extra)) {
    body.output_config = { format: { type: 'json_schema', schema: req.responseFormat.schema } };
  }
  if (req.stream) body.stream = true;
  mergeExtra(body, anthropic.extra);
  if (!tools.jsonTool) return { body };
  return tools.jsonWrapped ? { body, jsonTool: tools.jsonTool, jsonWrapped: true } : { body, jsonTool: tools.jsonTool };
}

function thinkingOf(req: ChatRequest, anthropic: AnthropicRequestOptions): Record<string, unknown> | undefined {
  const r = req.reasoning;
  if (!r || r.enabled === false || r.effort === 'none') return undefined;
  if (anthropic.thinking) return anthropic.thinking;
  let budget: number | undefined;
  if (r.budgetTokens !== undefined) budget = r.budgetTokens;
  else if (r.effort !== undefined) budget = EFFORT_BUDGET[r.effort];
  else if (r.enabled === true) budget = EFFORT_BUDGET.medium;
  if (budget === undefined || budget <= 0) return undefined;
  return { type: 'enabled', budget_tokens: Math.max(MIN_BUDGET, Math.round(budget)) };
}

/**
 * True when the request ends with tool results for an assistant turn that used tools but has no
 * thinking block: the API then refuses thinking ("Expected thinking… but found tool_use").
 */
function continuesForeignToolLoop(messages: AnthropicMessage[]): boolean {
  const last = messages[messages.length - 1];
  const prev = messages[messages.length - 2];
  if (!last || !prev || last.role !== 'user' || prev.role !== 'assistant') return false;
  if (!last.content.some((b) => b.type === 'tool_result')) return false;
  if (!prev.content.some((b) => b.type === 'tool_use')) return false;
  const first = prev.content[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

/** Per-model default output limit: conservative for old and unknown (compatible) models. */
export function defaultMaxTokens(model: string): number {
  if (/claude-(3-7|sonnet-4|opus-4|haiku-4|4)/.test(model)) return 16384;
  if (/claude-3-5/.test(model)) return 8192;
  return 4096;
}

function applySampling(body: Record<string, unknown>, req: ChatRequest, thinking: boolean): void {
  if (thinking) {
    if (req.topP !== undefined && req.topP >= 0.95 && req.topP <= 1) body.top_p = req.topP;
    return;
  }
  if (req.temperature !== undefined) body.temperature = Math.min(1, Math.max(0, req.temperature));
  else if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) body.top_k = req.topK;
}

function hasNativeFormat(extra: Record<string, unknown> | undefined): boolean {
  if (!extra) return false;
  const config = extra.output_config as { format?: unknown } | undefined;
  return (extra.output_format !== undefined && extra.output_format !== null) || (config?.format !== undefined && config.format !== null);
}

/** Fields kept from an Anthropic client; objects present on both sides are merged shallowly. */
function mergeExtra(body: Record<string, unknown>, extra: Record<string, unknown> | undefined): void {
  if (!extra) return;
  for (const [key, value] of Object.entries(extra)) {
    const mine = body[key];
    if (mine === undefined) body[key] = value;
    else if (isObject(mine) && isObject(value)) body[key] = { ...value, ...mine };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
