import * as v from 'valibot';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';
import { lazyTranslator, type ShellRoute } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

const ConfigSchema = v.object({
  /** Model used when the client names none (a bare name is routed to providers that list it). */
  default_model: v.optional(v.string(), 'omni-moderation-latest'),
});
export type ModerationsConfig = v.InferOutput<typeof ConfigSchema>;

export const MODERATIONS_ROUTES: readonly ShellRoute[] = [{ method: 'POST', path: '/v1/moderations', summary: 'Classify text and images (OpenAI format)' }];

/** `POST /v1/moderations`. Loaded by default; its code is imported on the first request. */
export default {
  name: 'moderations',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI moderations endpoint: POST /v1/moderations.',
  config: ConfigSchema,
  setup(ctx) {
    ctx.provide('endpoint', lazyTranslator(
      { dialect: 'openai-moderations', routes: MODERATIONS_ROUTES, encodeError: (err) => encodeOpenAIError(err) },
      async () => (await import('./moderations-endpoint.ts')).createModerationsEndpoint(ctx.config),
    ));
  },
} satisfies Plugin<ModerationsConfig>;
