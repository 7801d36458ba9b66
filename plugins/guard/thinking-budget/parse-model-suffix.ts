import type { ReasoningEffort, ReasoningSettings } from '../../../core/types/hub.ts';

/** Suffixes understood by default; the config may add or change entries. */
export const DEFAULT_SUFFIXES: Readonly<Record<string, ReasoningEffort>> = {
  '-thinking': 'medium',
  ':none': 'none',
  ':minimal': 'minimal',
  ':low': 'low',
  ':medium': 'medium',
  ':high': 'high',
  ':xhigh': 'xhigh',
};

/** A model name without its reasoning suffix, and what the suffix asked for. */
export interface ParsedSuffix {
  model: string;
  suffix: string;
  reasoning: ReasoningSettings;
}

/** Settings for an effort: `none` turns reasoning off, anything else on. */
export function reasoningForEffort(effort: ReasoningEffort): ReasoningSettings {
  return effort === 'none' ? { enabled: false, effort } : { enabled: true, effort };
}

/**
 * What a parenthesized suffix asks for (CLIProxyAPI's form, which Claude Code and Codex configs
 * written for it carry: `gpt-5(high)`, `gemini-2.5-pro(8192)`): an effort the `:` suffixes know
 * (`(high)` as `:high`), `auto` (reasoning on, the provider's own budget), or a budget in tokens
 * (`(0)`: off). Undefined for anything else.
 */
function parenthesized(value: string, suffixes: Readonly<Record<string, ReasoningEffort>>): ReasoningSettings | undefined {
  if (/^\d{1,7}$/.test(value)) return Number(value) === 0 ? { enabled: false, effort: 'none' } : { enabled: true, budgetTokens: Number(value) };
  if (value === 'auto') return { enabled: true };
  const effort = suffixKey(suffixes, `:${value}`);
  return effort === undefined ? undefined : reasoningForEffort(suffixes[effort]!);
}

/** The key of `suffixes` that is `name` ignoring case, if any. */
function suffixKey(suffixes: Readonly<Record<string, ReasoningEffort>>, name: string): string | undefined {
  return Object.keys(suffixes).find((s) => s.toLowerCase() === name);
}

/**
 * Strips a reasoning suffix from the requested model (`up/gpt-5:high` → `up/gpt-5` with effort
 * high; `claude-sonnet-4-5-thinking` → thinking on; `…-thinking-8000` → a budget of 8000 tokens;
 * `gpt-5(high)`, `gemini-2.5-pro(8192)`, see `parenthesized`), so routing sees the base name.
 * The longest matching suffix wins. `isKnown` guards real model names that end like a suffix
 * (`kimi-k2-thinking` listed for its provider): those stay as they are. Answers undefined when
 * there is nothing to strip.
 */
export function parseModelSuffix(
  model: string, suffixes: Readonly<Record<string, ReasoningEffort>>, isKnown: (name: string) => boolean,
): ParsedSuffix | undefined {
  const paren = /^(.*[^/(])\(\s*([^()]*?)\s*\)$/.exec(model);
  if (paren) {
    const reasoning = parenthesized(paren[2]!.toLowerCase(), suffixes);
    if (reasoning === undefined || isKnown(model)) return undefined;
    return { model: paren[1]!, suffix: `(${paren[2]})`, reasoning };
  }
  const budget = /^(.+)-thinking-(\d{3,6})$/i.exec(model);
  if (budget && budget[1].length > 0) {
    if (isKnown(model)) return undefined;
    return { model: budget[1], suffix: `-thinking-${budget[2]}`, reasoning: { enabled: true, budgetTokens: Number(budget[2]) } };
  }
  const lower = model.toLowerCase();
  const hit = Object.keys(suffixes)
    .filter((s) => s.length > 0 && lower.endsWith(s.toLowerCase()) && model.length > s.length)
    .sort((a, b) => b.length - a.length)[0];
  if (hit === undefined) return undefined;
  const base = model.slice(0, -hit.length);
  // Asked only once a suffix matched: most names have none, and the lookup scans the providers.
  if (base.endsWith('/') || isKnown(model)) return undefined;
  return { model: base, suffix: hit, reasoning: reasoningForEffort(suffixes[hit]) };
}
