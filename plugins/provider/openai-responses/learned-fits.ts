import type { Attempt } from '../../../core/plugin/types.ts';
import type { ReasoningEffort } from '../../../core/types/hub.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';
import { EFFORTS, fitReasoningEffort, statedEfforts } from '../../../core/util/reasoning-effort.ts';
import { refusedSamplingField } from '../../../core/util/refused-fields.ts';

type Json = Record<string, unknown>;

/**
 * What a Responses upstream taught about a model by refusing a request, for its later requests:
 * the sampling parameters it refused (`refusedSamplingField`: OpenAI's reasoning models,
 * "Unsupported parameter: 'temperature' is not supported with this model."), and the reasoning
 * efforts it listed as the model's when it refused another (`statedEfforts`: "Unsupported value:
 * 'minimal' is not supported with the 'gpt-5.1' model. Supported values are: 'none', 'low',
 * 'medium', and 'high'.").
 */
interface LearnedFits {
  dropParams?: readonly string[];
  efforts?: readonly ReasoningEffort[];
}

const learned = new ProviderMemo<LearnedFits>();

function learn(attempt: Attempt, patch: LearnedFits): void {
  learned.set(attempt.provider, attempt.target.model, { ...learned.get(attempt.provider, attempt.target.model), ...patch });
}

/** The body with `reasoning.effort` fitted to `allowed` (`fitReasoningEffort`); the same body when it fits or has none. */
function withEffortWithin(body: Json, allowed: readonly ReasoningEffort[]): Json {
  const reasoning = body.reasoning as Json | undefined;
  const effort = reasoning?.effort;
  if (typeof effort !== 'string' || !(EFFORTS as readonly string[]).includes(effort) || allowed.includes(effort as ReasoningEffort)) return body;
  const fitted = fitReasoningEffort(effort as ReasoningEffort, allowed);
  const { effort: _refused, ...rest } = reasoning!;
  return { ...body, reasoning: fitted ? { ...rest, effort: fitted } : rest };
}

/** The body fitted as the model's upstream asked before (refused sampling parameters left out, the effort fitted); the same body otherwise. */
export function withLearnedFits(body: Json, attempt: Attempt): Json {
  const fits = learned.get(attempt.provider, attempt.target.model);
  if (!fits) return body;
  const drop = fits.dropParams;
  const out = drop?.some((k) => body[k] !== undefined) ? Object.fromEntries(Object.entries(body).filter(([k]) => !drop.includes(k))) : body;
  return fits.efforts ? withEffortWithin(out, fits.efforts) : out;
}

/**
 * The body set right after a refusal that teaches the model's fits (remembered for its later
 * requests), or undefined: the effort fitted to the efforts the refusal lists, or the sampling
 * parameter it refuses left out.
 */
export function repairTaughtRefusal(err: unknown, body: Json, attempt: Attempt): Json | undefined {
  const allowed = statedEfforts(err);
  const fitted = allowed ? withEffortWithin(body, allowed) : body;
  if (allowed && fitted !== body) {
    learn(attempt, { efforts: allowed });
    return fitted;
  }
  const field = refusedSamplingField(err, body);
  if (field === undefined) return undefined;
  learn(attempt, { dropParams: [...(learned.get(attempt.provider, attempt.target.model)?.dropParams ?? []), field] });
  const { [field]: _refused, ...rest } = body;
  return rest;
}
