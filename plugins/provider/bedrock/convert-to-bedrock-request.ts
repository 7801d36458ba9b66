import type { ChatRequest } from '../../../core/types/hub.ts';
import { isAdaptiveOnlyClaude } from '../../../core/util/claude-models.ts';
import { CLAUDE_EFFORT_BUDGET as EFFORT_BUDGET, CLAUDE_MIN_BUDGET as MIN_BUDGET, effortForBudget } from '../../../core/util/reasoning-effort.ts';
import { capOutputTokens } from '../../../core/util/output-token-limit.ts';
import { convertToBedrockMessages, type BedrockMessage } from './convert-to-bedrock-messages.ts';
import { convertToBedrockTools } from './convert-to-bedrock-tools.ts';

/** What the provider entry and the model's quirks change in the request. */
export interface BedrockConvertOptions {
  /** The model's output limit (`max_output_tokens` quirk): `maxTokens` is capped to it. */
  maxOutputTokens?: number;
  /** Anthropic beta flags for a Claude model (`bedrockBetas` of the client's `anthropic-beta`). */
  anthropicBeta?: string[];
}

/** Room for the answer beside a thinking budget when the request sets no output limit. */
const ANSWER_TOKENS = 4096;

/** Anthropic's models on Bedrock: `anthropic.…`, behind a geography (`us.anthropic.…`) or an ARN. */
export function isClaudeModel(modelId: string): boolean {
  return /(^|[./])anthropic\.claude/.test(modelId);
}

/**
 * A hub chat request → a Converse / ConverseStream body (the model id goes in the URL):
 * `messages`, `system`, `inferenceConfig` (`maxTokens`, `temperature` and `topP` within
 * Converse's 0..1, non-blank `stopSequences`), `toolConfig` (the client's tools, and for a JSON
 * response format the forced structured-output tool: see `convertToBedrockTools`).
 *
 * Claude models also get, in `additionalModelRequestFields`, extended thinking when the request
 * asks for reasoning (`thinking: {type: 'enabled', budget_tokens}`, effort low 1024 / medium
 * 4096 / high 16384 unless a budget is given; `maxTokens` then leaves room for an answer beside
 * the budget, and temperature and top p are left out, as Claude refuses them with thinking) and
 * `top_k`. The models that think only adaptively (`isAdaptiveOnlyClaude`: Opus 4.7 and later)
 * get `thinking: {type: 'adaptive'}` with the effort as `output_config.effort` instead, and no
 * sampling parameters at all (they refuse them: "'temperature' is deprecated for this model."). Thinking is left out of a turn that continues a tool loop whose assistant turn has no
 * Bedrock reasoning block (it came from elsewhere: Claude refuses it). Without thinking, top p is
 * dropped when temperature is set (newer Claude models refuse both). `opts.anthropicBeta` (the
 * client's beta flags Bedrock takes, see `bedrockBetas`) goes as `anthropic_beta`, for Claude
 * only (other models refuse the field). Other models' reasoning switches differ per vendor and
 * are not sent.
 *
 * Errors: GW_UNSUPPORTED (400) from the message conversion (images by URL, unreadable files).
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
 */
export function convertToBedrockRequest(req: ChatRequest, modelId: string, opts: BedrockConvertOptions = {}): Record<string, unknown> {
  const prompt = convertToBedrockMessages(req.messages);
  const claude = isClaudeModel(modelId);
  const adaptive = claude && isAdaptiveOnlyClaude(modelId);
  let budget = claude ? thinkingBudget(req) : 0;
  if (budget > 0 && continuesForeignToolLoop(prompt.messages)) budget = 0;
  const body: Record<string, unknown> = { messages: prompt.messages };
  if (prompt.system) body.system = prompt.system;

  const inference: Record<string, unknown> = {};
  let maxTokens = req.maxTokens;
  if (budget > 0 && (maxTokens === undefined || maxTokens <= budget)) maxTokens = (maxTokens ?? ANSWER_TOKENS) + budget;
  if (maxTokens !== undefined) maxTokens = capOutputTokens(maxTokens, opts.maxOutputTokens);
  if (budget > 0 && maxTokens !== undefined && budget >= maxTokens) budget = Math.max(MIN_BUDGET, maxTokens - 1);
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (budget === 0 && !adaptive) {
    if (req.temperature !== undefined) inference.temperature = clamp01(req.temperature);
    if (req.topP !== undefined && !(claude && req.temperature !== undefined)) inference.topP = clamp01(req.topP);
  }
  const stops = req.stop?.filter((s) => s.trim().length > 0);
  if (stops?.length) inference.stopSequences = stops;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  const tools = convertToBedrockTools(req, prompt.messages, budget > 0);
  if (tools) body.toolConfig = tools;
  const extra: Record<string, unknown> = {};
  if (budget > 0 && adaptive) {
    extra.thinking = { type: 'adaptive' };
    extra.output_config = { effort: adaptiveEffort(req, budget) };
  } else if (budget > 0) {
    extra.thinking = { type: 'enabled', budget_tokens: budget };
  }
  if (claude && !adaptive && budget === 0 && req.topK !== undefined) extra.top_k = req.topK;
  if (claude && opts.anthropicBeta?.length) extra.anthropic_beta = opts.anthropicBeta;
  if (Object.keys(extra).length > 0) body.additionalModelRequestFields = extra;
  return withinCachePoints(body);
}

/** Converse takes at most 4 cache points (a client that marks each user turn sends more). */
const MAX_CACHE_POINTS = 4;

/**
 * The request with at most `MAX_CACHE_POINTS` `cachePoint` blocks: the earliest ones beyond it
 * (tools, then system, then the messages) are left out, the last ones, which each new turn reads
 * its cache at, kept. Converse refuses more: "A maximum of 4 blocks with cache_control may be
 * provided. Found 5." The same request when it has no more.
 */
function withinCachePoints(body: Record<string, unknown>): Record<string, unknown> {
  const isPoint = (b: unknown) => typeof b === 'object' && b !== null && 'cachePoint' in b;
  const toolConfig = body.toolConfig as { tools?: unknown[] } | undefined;
  const system = body.system as unknown[] | undefined;
  const messages = body.messages as BedrockMessage[];
  const count = (list: readonly unknown[] | undefined) => (list ?? []).filter(isPoint).length;
  let extra = count(toolConfig?.tools) + count(system) + messages.reduce((n, m) => n + count(m.content), 0) - MAX_CACHE_POINTS;
  if (extra <= 0) return body;
  const drop = <T>(list: T[]): T[] => list.filter((b) => !(extra > 0 && isPoint(b) && extra-- > 0));
  const out = { ...body };
  if (toolConfig?.tools) out.toolConfig = { ...toolConfig, tools: drop(toolConfig.tools) };
  if (system) out.system = drop(system);
  out.messages = messages.map((m) => (extra > 0 ? { ...m, content: drop(m.content) } : m));
  return out;
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}

/** The effort for adaptive thinking: the request's own (minimal as low), else the budget's. */
function adaptiveEffort(req: ChatRequest, budget: number): string {
  const effort = req.reasoning?.effort;
  if (effort === 'minimal') return 'low';
  return effort !== undefined && effort !== 'none' ? effort : effortForBudget(budget);
}

function thinkingBudget(req: ChatRequest): number {
  const r = req.reasoning;
  if (!r || r.enabled === false || r.effort === 'none') return 0;
  const budget = r.budgetTokens ?? (r.effort !== undefined ? EFFORT_BUDGET[r.effort] : r.enabled ? EFFORT_BUDGET.medium : 0);
  return budget > 0 ? Math.max(MIN_BUDGET, Math.round(budget)) : 0;
}

/** True when the request answers tool calls of an assistant turn that did not start with reasoning. */
function continuesForeignToolLoop(messages: readonly BedrockMessage[]): boolean {
  const last = messages.at(-1);
  const prev = messages.at(-2);
  if (last?.role !== 'user' || prev?.role !== 'assistant') return false;
  if (!last.content.some((b) => 'toolResult' in b) || !prev.content.some((b) => 'toolUse' in b)) return false;
  return !('reasoningContent' in (prev.content[0] ?? {}));
}
