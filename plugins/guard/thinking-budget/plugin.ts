import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

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
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupThinkingBudget } = await import('./setup-thinking-budget.ts');
    setupThinkingBudget(ctx);
  },
} satisfies Plugin<ThinkingBudgetConfig>;
