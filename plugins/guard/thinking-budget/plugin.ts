import * as v from 'valibot';
import type { CallContext, GatewayRequest, Plugin } from '../../../core/plugin/types.ts';
import type { ChatRequest, ProviderOptions, ReasoningSettings } from '../../../core/types/hub.ts';
import { compileModelGlobs } from './match-model.ts';
import { DEFAULT_SUFFIXES, parseModelSuffix } from './parse-model-suffix.ts';
import { planReasoning, type ReasoningPolicy } from './plan-reasoning.ts';

const Effort = v.picklist(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
const Tokens = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Models that take reasoning controls (matched on the name with and without `provider/`). */
export const REASONING_MODELS = [
  'o1*', 'o3*', 'o4*', 'gpt-5*', 'gpt-oss*', 'claude-3-7*', 'claude-*-4*', 'claude-4*', 'gemini-2.5*', 'gemini-3*',
  'deepseek-r1*', 'deepseek-reasoner*', 'qwen3*', 'qwq*', '*thinking*', 'grok-3-mini*', 'grok-4*', 'magistral*',
];

/** The `thinking-budget:` entry of `plugins:`. */
export const ThinkingBudgetConfigSchema = v.pipe(
  v.object({
    mode: v.optional(v.picklist(['passthrough', 'auto', 'custom', 'adaptive']), 'passthrough'),
    /** Globs of the models the mode applies to (suffixes apply to every model). */
    models: v.optional(v.array(v.string()), REASONING_MODELS),
    /** `custom`: the thinking budget in tokens. */
    budget_tokens: v.optional(Tokens),
    /** `custom`: the reasoning effort. */
    effort: v.optional(Effort),
    /** Ask for the reasoning text back (summaries / thoughts) whenever a mode sets reasoning. */
    include_thoughts: v.optional(v.boolean()),
    auto: v.optional(v.object({ small_tokens: v.optional(Tokens, 500), large_tokens: v.optional(Tokens, 4000) }), {}),
    adaptive: v.optional(v.object({
      min_tokens: v.optional(Tokens, 1024), max_tokens: v.optional(Tokens, 16384), per_turn_tokens: v.optional(Tokens, 2048),
    }), {}),
    /** Strip model-name suffixes (`:high`, `-thinking`, …) and map them to an effort. */
    strip_suffixes: v.optional(v.boolean(), true),
    /** Extra or changed suffixes: `{ ":max": xhigh, "-fast": low }`. */
    suffixes: v.optional(v.record(v.string(), Effort), {}),
  }),
  v.check((c) => c.mode !== 'custom' || c.budget_tokens !== undefined || c.effort !== undefined, 'mode custom needs budget_tokens or effort'),
);

export type ThinkingBudgetConfig = v.InferOutput<typeof ThinkingBudgetConfigSchema>;

/** A model name the gateway knows as is: an alias, a combo, or a listed model of its provider. */
function knownName(call: CallContext, name: string): boolean {
  if (call.config.aliases[name] !== undefined || call.config.combos[name] !== undefined) return true;
  const slash = name.indexOf('/');
  if (slash < 0) return false;
  return call.providers.get(name.slice(0, slash))?.models.includes(name.slice(slash + 1)) ?? false;
}

/** Provider-native thinking fields a client sent, which would win over the hub's settings. */
function withoutNativeThinking(opts: ProviderOptions | undefined): ProviderOptions | undefined {
  if (!opts?.anthropic?.thinking && opts?.gemini?.thinkingLevel === undefined) return opts;
  const out: ProviderOptions = { ...opts };
  if (out.anthropic) out.anthropic = Object.fromEntries(Object.entries(out.anthropic).filter(([k]) => k !== 'thinking'));
  if (out.gemini) out.gemini = Object.fromEntries(Object.entries(out.gemini).filter(([k]) => k !== 'thinkingLevel'));
  return out;
}

function describe(r: ReasoningSettings, source: string): string {
  const bits = [source];
  if (r.effort !== undefined) bits.push(`effort=${r.effort}`);
  if (r.budgetTokens !== undefined) bits.push(`budget=${r.budgetTokens}`);
  return bits.join('; ');
}

/**
 * Reasoning controls for chat. A model-name suffix (`up/gpt-5:high`, `…-thinking`) is stripped
 * so routing sees the base name, and becomes the request's effort: the caller's most explicit
 * word, it wins over the mode. Otherwise the mode decides: `custom` replaces the client's
 * settings, `auto` and `adaptive` fill them in only when the client sent none, `passthrough`
 * leaves them. The hub's `reasoning` is then mapped by each provider into its own control
 * (Anthropic `thinking.budget_tokens`, Gemini `thinkingConfig`, OpenAI `reasoning_effort`).
 * The response header `x-switchyard-reasoning` tells what was applied.
 */
export default {
  name: 'thinking-budget',
  kind: 'guard',
  apiVersion: 1,
  description: 'Thinking budget modes (passthrough, auto, custom, adaptive) and model-name effort suffixes.',
  config: ThinkingBudgetConfigSchema,
  setup(ctx) {
    const c = ctx.config;
    const suffixes = { ...DEFAULT_SUFFIXES, ...c.suffixes };
    const inScope = compileModelGlobs(c.models);
    const policy: ReasoningPolicy = {
      mode: c.mode, budgetTokens: c.budget_tokens, effort: c.effort, includeThoughts: c.include_thoughts,
      auto: { smallTokens: c.auto.small_tokens, largeTokens: c.auto.large_tokens },
      adaptive: { minTokens: c.adaptive.min_tokens, maxTokens: c.adaptive.max_tokens, perTurnTokens: c.adaptive.per_turn_tokens },
    };
    const applies = (model: string, call: CallContext) => {
      const target = call.config.aliases[model];
      const names = [model, ...(target ? [target] : [])];
      return names.some((n) => inScope(n) || inScope(n.slice(n.lastIndexOf('/') + 1)));
    };

    ctx.hook('beforeRequest', (req: GatewayRequest, call) => {
      if (req.operation !== 'chat') return;
      const body = req.body as ChatRequest;
      const parsed = c.strip_suffixes ? parseModelSuffix(req.model, suffixes, (n) => knownName(call, n)) : undefined;
      let reasoning: ReasoningSettings | undefined;
      let source = '';
      if (parsed) {
        reasoning = { ...parsed.reasoning, ...(body.reasoning?.includeThoughts === undefined ? {} : { includeThoughts: body.reasoning.includeThoughts }) };
        source = `suffix ${parsed.suffix}`;
      } else if (applies(req.model, call)) {
        reasoning = planReasoning(body, policy);
        source = `mode ${c.mode}`;
      }
      if (!reasoning) return;
      const model = parsed?.model ?? req.model;
      call.responseHeaders.set('x-switchyard-reasoning', describe(reasoning, source));
      const providerOptions = withoutNativeThinking(body.providerOptions);
      return { ...req, model, body: { ...body, model, reasoning, ...(providerOptions ? { providerOptions } : {}) } };
    });
  },
} satisfies Plugin<ThinkingBudgetConfig>;
