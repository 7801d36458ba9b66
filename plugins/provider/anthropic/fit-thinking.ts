import { refusal } from '../../../core/util/refused-fields.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import { CLAUDE_REMOVED_SAMPLING, isAdaptiveOnlyClaude } from '../../../core/util/claude-models.ts';
import { withoutFields, type RefusedField } from './drop-refused-fields.ts';
import { CLAUDE_EFFORT_BUDGET, CLAUDE_MIN_BUDGET, effortForBudget } from '../../../core/util/reasoning-effort.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/**
 * The two shapes of Claude's thinking control, each refused by the models of the other:
 * `{type: "enabled", budget_tokens}` by Opus 4.7 and later ("\"thinking.type.enabled\" is not
 * supported for this model. Use \"thinking.type.adaptive\" and \"output_config.effort\" to
 * control thinking behavior."), `{type: "adaptive"}` by the models before 4.6 ("adaptive thinking
 * is not supported on this model"). A client writes the shape of the model it asked for, and the
 * gateway may serve another (a combo's next target, an alias, a converted request): Claude Code
 * asking for Opus 4.6 served by Sonnet 4.5, an OpenAI client's `reasoning_effort` served by
 * Opus 4.8.
 */
export type ThinkingShape = 'enabled' | 'adaptive';

/**
 * Each shape's refusal, in the API's words, in those of Vertex AI, whose schema for the older
 * models has no adaptive tag ("thinking: Input tag 'adaptive' found using 'type' does not match
 * any of the expected tags: 'disabled', 'enabled'"), and in Moonshot's ("invalid thinking: only
 * type=enabled is allowed for this model": Claude Code's adaptive thinking on Kimi).
 */
const ENABLED_REFUSED = /thinking\.type\.enabled"? is not supported|Input tag 'enabled' found using 'type'|only type=adaptive is allowed/i;
const ADAPTIVE_REFUSED = /adaptive thinking is not supported|thinking\.type\.adaptive"? is not supported|Input tag 'adaptive' found using 'type'|only type=enabled is allowed/i;

/** The shape the model takes when the upstream's 400 refuses the body's own, or undefined. */
export function refusedThinkingShape(err: unknown, body: Json): ThinkingShape | undefined {
  const message = refusal(err)?.message;
  if (message === undefined) return undefined;
  const type = (body.thinking as Json | undefined)?.type;
  if (type === 'enabled' && ENABLED_REFUSED.test(message)) return 'adaptive';
  if (type === 'adaptive' && ADAPTIVE_REFUSED.test(message)) return 'enabled';
  return undefined;
}

/**
 * The body with its thinking in `shape` (the same body when it already is, or asks for none):
 * - adaptive: `{type: "adaptive"}`, and the budget's effort as `output_config.effort` unless
 *   the client set one;
 * - enabled: a budget for `output_config.effort` (medium without one), below `max_tokens` (no
 *   thinking when `max_tokens` leaves no room for the smallest budget), and the effort left out.
 */
export function withThinkingShape(body: Json, shape: ThinkingShape): Json {
  const thinking = body.thinking as Json | undefined;
  if (!thinking || (thinking.type !== 'enabled' && thinking.type !== 'adaptive') || thinking.type === shape) return body;
  const config = (body.output_config ?? {}) as Json;
  if (shape === 'adaptive') {
    const { budget_tokens: budget, ...rest } = thinking;
    const effort = config.effort ?? (typeof budget === 'number' ? effortForBudget(budget) : 'high');
    return { ...body, thinking: { ...rest, type: 'adaptive' }, output_config: { ...config, effort } };
  }
  const { effort, ...otherConfig } = config;
  const { output_config: _config, thinking: _thinking, ...rest } = body;
  const out: Json = Object.keys(otherConfig).length > 0 ? { ...rest, output_config: otherConfig } : rest;
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
  const budget = Math.min(CLAUDE_EFFORT_BUDGET[String(effort) as keyof typeof CLAUDE_EFFORT_BUDGET] ?? CLAUDE_EFFORT_BUDGET.medium, maxTokens - 1);
  if (budget < CLAUDE_MIN_BUDGET) return out;
  return { ...out, thinking: { type: 'enabled', budget_tokens: budget } };
}

/** The thinking shape each model's upstream asked for: later requests go in it at once. */
const shapes = new ProviderMemo<ThinkingShape>();

export function rememberThinkingShape(attempt: Attempt, shape: ThinkingShape): void {
  shapes.set(attempt.provider, attempt.target.model, shape);
}

/** The sampling parameters the adaptive-only models refuse, as fields to leave out. */
const REMOVED_SAMPLING: readonly RefusedField[] = CLAUDE_REMOVED_SAMPLING.map((name) => ({ on: 'request', name }));

/**
 * The body as the attempt's model takes it, before it goes: its thinking in the shape the model's
 * upstream asked for before, or adaptive for a model known to take only that
 * (`isAdaptiveOnlyClaude`: Opus 4.7 and later), which also goes without the sampling parameters
 * it refuses. The same body when nothing changes.
 */
export function fitToModelGeneration(body: Json, attempt: Attempt): Json {
  const adaptiveOnly = isAdaptiveOnlyClaude(attempt.target.model);
  const shape = shapes.get(attempt.provider, attempt.target.model) ?? (adaptiveOnly ? 'adaptive' : undefined);
  const out = shape ? withThinkingShape(body, shape) : body;
  return adaptiveOnly ? withoutFields(out, REMOVED_SAMPLING) : out;
}
