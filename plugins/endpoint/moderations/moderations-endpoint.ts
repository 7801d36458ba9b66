import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Translator } from '../../../core/plugin/types.ts';
import { MODERATIONS_ROUTES, type ModerationsConfig } from './plugin.ts';
import type { ModerateResult } from '../../../core/types/operations.ts';
import { decodeModerationsRequest } from './decode-moderations-request.ts';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';

/**
 * The hub result → OpenAI `{id, model, results:[{flagged, categories, category_scores,
 * category_applied_input_types}]}`; fields the upstream added come back unchanged.
 *
 * @see https://platform.openai.com/docs/api-reference/moderations/object
 */
export function encodeModerationsResult(result: ModerateResult, model: string): Record<string, unknown> {
  const results = result.results.map((r) => ({
    flagged: r.flagged,
    categories: r.categories,
    category_scores: r.categoryScores,
    ...(r.categoryAppliedInputTypes ? { category_applied_input_types: r.categoryAppliedInputTypes } : {}),
  }));
  return { id: result.id, model, results, ...result.extra };
}

/** `POST /v1/moderations` as the `moderate` operation. */
export function createModerationsEndpoint(config: ModerationsConfig): Translator {
  return {
    dialect: 'openai-moderations',
    routes: [...MODERATIONS_ROUTES],
    decode: (input) => decodeModerationsRequest(input.body, config.default_model),
    encodeResult: (result, req) => Response.json(encodeModerationsResult(result as ModerateResult, req.model)),
    encodeStream() {
      throw new Error('moderations are never streamed');
    },
    encodeError: (err: GatewayError) => encodeOpenAIError(err),
  };
}
