import type { Attempt } from '../../../core/plugin/types.ts';
import type { ModerateRequest, ModerateResult, ModerationVerdict } from '../../../core/types/operations.ts';
import { mapOperationUsage, postOpenAIJson, readJsonObject, restOf, withExtra, type Json } from './post-openai-operation.ts';

/**
 * Hub inputs → the OpenAI `input`: text-only inputs as a string list (one string for one
 * input); an input with images as the multimodal part array (OpenAI classifies one such input
 * per request).
 */
export function toModerationInput(inputs: ModerateRequest['inputs']): unknown {
  const textOnly = inputs.every((parts) => parts.length === 1 && parts[0].type === 'text');
  if (textOnly) {
    const texts = inputs.map((parts) => (parts[0].type === 'text' ? parts[0].text : ''));
    return texts.length === 1 ? texts[0] : texts;
  }
  return inputs.flatMap((parts) => parts.map((p) => (p.type === 'text'
    ? { type: 'text', text: p.text }
    : { type: 'image_url', image_url: { url: p.url ?? `data:${p.mediaType ?? 'image/png'};base64,${p.data ?? ''}` } })));
}

/**
 * `moderate` on an OpenAI-compatible upstream (`POST <base>/moderations`).
 *
 * @see https://platform.openai.com/docs/api-reference/moderations/create
 */
export async function openAIModerate(req: ModerateRequest, attempt: Attempt): Promise<ModerateResult> {
  const body = withExtra({ model: attempt.target.model, input: toModerationInput(req.inputs) }, req.extra);
  const json = await readJsonObject(await postOpenAIJson(attempt, '/moderations', body), attempt.provider.name);
  const results = (Array.isArray(json.results) ? (json.results as Json[]) : []).map((r): ModerationVerdict => {
    const v: ModerationVerdict = {
      flagged: r?.flagged === true,
      categories: (r?.categories ?? {}) as Record<string, boolean>,
      categoryScores: (r?.category_scores ?? {}) as Record<string, number>,
    };
    if (r?.category_applied_input_types) v.categoryAppliedInputTypes = r.category_applied_input_types as Record<string, string[]>;
    return v;
  });
  const result: ModerateResult = {
    id: typeof json.id === 'string' ? json.id : `modr-${crypto.randomUUID().replaceAll('-', '')}`,
    model: typeof json.model === 'string' ? json.model : attempt.target.model,
    results,
  };
  const usage = mapOperationUsage(json.usage);
  if (usage) result.usage = usage;
  const extra = restOf(json, ['id', 'model', 'results']);
  if (extra) result.extra = extra;
  return result;
}
