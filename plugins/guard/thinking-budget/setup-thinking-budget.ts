import type { CallContext, GatewayRequest, PluginContext } from '../../../core/plugin/types.ts';
import type { ChatRequest, ProviderOptions, ReasoningSettings } from '../../../core/types/hub.ts';
import { compileModelGlobs } from '../../../core/util/model-glob.ts';
import { DEFAULT_SUFFIXES, parseModelSuffix } from './parse-model-suffix.ts';
import { planReasoning, type ReasoningPolicy } from './plan-reasoning.ts';
import type { ThinkingBudgetConfig } from './plugin.ts';

/**
 * A model name the gateway knows as is: an alias, a combo, a listed model of its provider, or
 * a bare model id that some provider lists (the router serves those by their bare name too).
 */
function knownName(call: CallContext, name: string): boolean {
  if (call.config.aliases[name] !== undefined || call.config.combos[name] !== undefined) return true;
  const slash = name.indexOf('/');
  if (slash > 0 && call.providers.get(name.slice(0, slash))?.models.includes(name.slice(slash + 1))) return true;
  for (const p of call.providers.values()) if (p.models.includes(name)) return true;
  return false;
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

/** Setup of the thinking-budget plugin: the `beforeRequest` hook that sets the reasoning controls. */
export function setupThinkingBudget(ctx: PluginContext<ThinkingBudgetConfig>): void {
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
}
