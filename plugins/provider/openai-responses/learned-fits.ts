import type { Attempt } from '../../../core/plugin/types.ts';
import type { ReasoningEffort } from '../../../core/types/hub.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';
import { EFFORTS, fitReasoningEffort, statedEfforts } from '../../../core/util/reasoning-effort.ts';
import { refusedFieldPath, refusedSamplingField, withoutPath } from '../../../core/util/refused-fields.ts';

type Json = Record<string, unknown>;

/**
 * What a Responses upstream taught about a model by refusing a request, for its later requests:
 * the fields it refused by name (`dropParams`, paths: the sampling parameters of OpenAI's
 * reasoning models, "Unsupported parameter: 'temperature' is not supported with this model.";
 * `reasoning.effort` and the encrypted reasoning of a model that does not reason; what a server
 * or the ChatGPT backend does not take, "Unsupported parameter: prompt_cache_options"), and the
 * reasoning efforts it listed as the model's when it refused another (`statedEfforts`:
 * "Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model. Supported values are:
 * 'none', 'low', 'medium', and 'high'.").
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
  let out = body;
  for (const path of fits.dropParams ?? []) out = withoutPath(out, path);
  return fits.efforts ? withEffortWithin(out, fits.efforts) : out;
}

/**
 * What a Responses request cannot go without and keep its meaning, whatever a refusal says: the
 * conversation, its tools, the output's format.
 */
const KEPT: readonly string[] = [
  'model', 'input', 'instructions', 'stream', 'tools', 'tool_choice', 'previous_response_id', 'conversation', 'background', 'prompt', 'text.format',
];

/**
 * The request fields of the Responses API, and those its clients add (Codex's `client_metadata`,
 * VS Code's `prompt_cache_options`). An upstream that refuses one lacks a feature of the API, which
 * the request can go without; a field outside them is the client's mistake, and its refusal
 * reaches the client.
 */
const API_FIELDS: ReadonlySet<string> = new Set([
  'background', 'client_metadata', 'context_management', 'conversation', 'include', 'input', 'instructions', 'max_output_tokens',
  'max_tool_calls', 'metadata', 'model', 'parallel_tool_calls', 'previous_response_id', 'prompt', 'prompt_cache_key',
  'prompt_cache_options', 'prompt_cache_retention', 'reasoning', 'safety_identifier', 'service_tier', 'store', 'stream',
  'stream_options', 'temperature', 'text', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'truncation', 'user',
]);

/** The API field of the body the upstream refuses by name (`refusedFieldPath`), when it is not one of `KEPT`. */
function refusedApiField(err: unknown, body: Json): string | undefined {
  const path = refusedFieldPath(err, body, KEPT);
  return path !== undefined && API_FIELDS.has(path.split('.', 1)[0]!) ? path : undefined;
}

/**
 * The body set right after a refusal that teaches the model's fits (remembered for its later
 * requests), or undefined: the effort fitted to the efforts the refusal lists, or the sampling
 * parameter or other API field it refuses by name left out (`refusedApiField`). Codex and the
 * SDKs send such fields on every turn, so each one refused failed every turn.
 */
export function repairTaughtRefusal(err: unknown, body: Json, attempt: Attempt): Json | undefined {
  const allowed = statedEfforts(err);
  const fitted = allowed ? withEffortWithin(body, allowed) : body;
  if (allowed && fitted !== body) {
    learn(attempt, { efforts: allowed });
    return fitted;
  }
  const field = refusedSamplingField(err, body) ?? refusedApiField(err, body);
  if (field === undefined) return undefined;
  learn(attempt, { dropParams: [...(learned.get(attempt.provider, attempt.target.model)?.dropParams ?? []), field] });
  return withoutPath(body, field);
}
