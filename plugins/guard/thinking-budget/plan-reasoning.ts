import { effortForBudget } from '../../../core/util/reasoning-effort.ts';
import type { ChatRequest, ReasoningEffort, ReasoningSettings } from '../../../core/types/hub.ts';
import { estimateTokens } from '../../../core/util/estimate-tokens.ts';

/** What each mode needs from the config. */
export interface ReasoningPolicy {
  mode: 'passthrough' | 'auto' | 'custom' | 'adaptive';
  budgetTokens?: number;
  effort?: ReasoningEffort;
  includeThoughts?: boolean;
  /** `auto`: estimated prompt tokens up to which a task is small, then medium. */
  auto: { smallTokens: number; largeTokens: number };
  /** `adaptive`: the budget grows by `perTurnTokens` per user turn, from `minTokens` to `maxTokens`. */
  adaptive: { minTokens: number; maxTokens: number; perTurnTokens: number };
}

/** Token budget per effort, as the Anthropic and Gemini adapters read an effort. */
export const EFFORT_BUDGET: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 512, low: 1024, medium: 4096, high: 16384, xhigh: 32768,
};

/** The effort closest to a token budget (for upstreams that only take an effort); 0 is `none`. */
export function effortOfBudget(budget: number): ReasoningEffort {
  return budget <= 0 ? 'none' : effortForBudget(budget);
}

/**
 * True when the client said anything about reasoning itself, in the hub's settings or in a
 * provider-native field the hub has no slot for (Anthropic adaptive thinking, Gemini thinkingLevel).
 */
export function clientSetReasoning(req: ChatRequest): boolean {
  const r = req.reasoning;
  if (r !== undefined && (r.effort !== undefined || r.budgetTokens !== undefined || r.enabled !== undefined)) return true;
  return req.providerOptions?.anthropic?.thinking !== undefined || req.providerOptions?.gemini?.thinkingLevel !== undefined;
}

const both = (budget: number, includeThoughts?: boolean): ReasoningSettings => ({
  enabled: budget > 0, effort: effortOfBudget(budget), budgetTokens: budget, ...(includeThoughts === undefined ? {} : { includeThoughts }),
});

/**
 * The reasoning settings a mode picks for a request, or undefined to leave it as it is:
 * - `passthrough`: nothing;
 * - `custom`: the configured budget and/or effort, replacing what the client sent;
 * - `auto`: by task size (`estimateTokens`, declared tools included; declaring tools also
 *   counts as a larger task): low, medium or high effort with the matching budget — only when
 *   the client set nothing;
 * - `adaptive`: a budget that grows with the number of user turns — only when the client set
 *   nothing.
 * Budget and effort are both set so every upstream format gets its own control.
 */
export function planReasoning(req: ChatRequest, p: ReasoningPolicy): ReasoningSettings | undefined {
  switch (p.mode) {
    case 'passthrough':
      return undefined;
    case 'custom': {
      const effort = p.effort ?? (p.budgetTokens === undefined ? undefined : effortOfBudget(p.budgetTokens));
      const out: ReasoningSettings = { enabled: effort !== 'none' && p.budgetTokens !== 0 };
      if (effort !== undefined) out.effort = effort;
      if (p.budgetTokens !== undefined) out.budgetTokens = p.budgetTokens;
      if (p.includeThoughts !== undefined) out.includeThoughts = p.includeThoughts;
      return out;
    }
    case 'auto': {
      if (clientSetReasoning(req)) return undefined;
      const size = estimateTokens(req) + ((req.tools?.length ?? 0) > 0 ? p.auto.smallTokens : 0);
      const effort = size <= p.auto.smallTokens ? 'low' : size <= p.auto.largeTokens ? 'medium' : 'high';
      return { ...both(EFFORT_BUDGET[effort], p.includeThoughts), effort };
    }
    case 'adaptive': {
      if (clientSetReasoning(req)) return undefined;
      const turns = Math.max(1, req.messages.filter((m) => m.role === 'user').length);
      const a = p.adaptive;
      const budget = Math.min(a.maxTokens, Math.max(a.minTokens, a.minTokens + a.perTurnTokens * (turns - 1)));
      return both(budget, p.includeThoughts);
    }
  }
}
