import * as v from 'valibot';
import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Plugin, Translator } from '../../../core/plugin/types.ts';
import type { ModerateResult } from '../../../core/types/operations.ts';
import { decodeModerationsRequest } from './decode-moderations-request.ts';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';

const ConfigSchema = v.object({
  /** Model used when the client names none (a bare name is routed to providers that list it). */
  default_model: v.optional(v.string(), 'omni-moderation-latest'),
});
type ModerationsConfig = v.InferOutput<typeof ConfigSchema>;

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
    routes: [{ method: 'POST', path: '/v1/moderations', summary: 'Classify text and images (OpenAI format)' }],
    decode: (input) => decodeModerationsRequest(input.body, config.default_model),
    encodeResult: (result, req) => Response.json(encodeModerationsResult(result as ModerateResult, req.model)),
    encodeStream() {
      throw new Error('moderations are never streamed');
    },
    encodeError: (err: GatewayError) => encodeOpenAIError(err),
  };
}

/** `POST /v1/moderations`. Loaded by default. */
export default {
  name: 'moderations',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI moderations endpoint: POST /v1/moderations.',
  config: ConfigSchema,
  setup(ctx) {
    ctx.provide('endpoint', createModerationsEndpoint(ctx.config));
  },
} satisfies Plugin<ModerationsConfig>;
