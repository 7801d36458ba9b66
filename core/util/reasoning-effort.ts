import { refusal } from './refused-fields.ts';
import type { ReasoningEffort } from '../types/hub.ts';

/**
 * The reasoning effort closest to a thinking budget in tokens, for upstreams that take only an
 * effort: the inverse of the usual effort budgets (low 1,024, medium 4,096, high 16,384), cut
 * halfway between them on a log scale, so an effort turned into a budget and back is itself.
 * Claude Code's "think" (4,000) is medium, "think hard" (10,000) and "ultrathink" (31,999) high.
 * A budget of 0 or less is the caller's case (thinking off): it answers `low` here.
 */
export function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= 2048) return 'low';
  return budget <= 8192 ? 'medium' : 'high';
}

/**
 * Claude's thinking budget in tokens for each effort (Anthropic `budget_tokens`, Bedrock's
 * `additionalModelRequestFields`), and `max`, Anthropic's own top effort.
 */
export const CLAUDE_EFFORT_BUDGET: Readonly<Record<ReasoningEffort | 'max', number>> = {
  none: 0, minimal: 1024, low: 1024, medium: 4096, high: 16384, xhigh: 32768, max: 32768,
};
/** The smallest thinking budget Claude takes. */
export const CLAUDE_MIN_BUDGET = 1024;

/** Every reasoning effort, least first. */
export const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/**
 * The effort to send a model that takes only `allowed`: the effort itself when allowed, else the
 * lowest allowed effort at or above it, else the highest allowed. Undefined when thinking cannot
 * be turned off (`none` not allowed) or nothing but `none` is: the field is then not sent.
 */
export function fitReasoningEffort(effort: ReasoningEffort, allowed: readonly ReasoningEffort[] | undefined): ReasoningEffort | undefined {
  if (!allowed || allowed.includes(effort)) return effort;
  if (effort === 'none') return undefined;
  const on = EFFORTS.filter((e) => e !== 'none' && allowed.includes(e));
  return on.find((e) => EFFORTS.indexOf(e) >= EFFORTS.indexOf(effort)) ?? on.at(-1);
}

/**
 * The efforts an upstream's 400 lists as the ones the model takes, when it refuses the effort it
 * was sent: OpenAI's "Unsupported value: 'reasoning_effort' does not support 'xhigh' with this
 * model. Supported values are: 'low', 'medium', and 'high'." (a model older than the effort a
 * client asks for: Claude Code's `max`, Codex's `xhigh`), "Unsupported value: 'minimal' is not
 * supported with the 'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and
 * 'high'." (param `reasoning.effort`). Undefined for any other error.
 */
export function statedEfforts(error: unknown): ReasoningEffort[] | undefined {
  const refused = refusal(error);
  if (!refused || !/effort/.test(`${refused.param} ${refused.message}`)) return undefined;
  const message = refused.message;
  const listed = /supported values are:?([^.]*(?:\.[^.]*)?)/i.exec(message)?.[1];
  if (listed === undefined) return undefined;
  const values = [...listed.matchAll(/'([a-z]+)'/g)].map((m) => m[1]!);
  if (values.length === 0 || !values.every((v) => (EFFORTS as readonly string[]).includes(v))) return undefined;
  return EFFORTS.filter((e) => values.includes(e));
}
