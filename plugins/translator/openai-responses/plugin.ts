import { lazyTranslator } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { encodeResponsesError } from './encode-responses-error.ts';
import { RESPONSES_ROUTES } from './responses-routes.ts';

/**
 * The OpenAI Responses client dialect (Codex and the `openai` SDK). Loaded by default; its code
 * is imported on the first Responses request.
 */
export default {
  name: 'openai-responses',
  kind: 'translator',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI Responses dialect: POST /v1/responses (stateless: store:false).',
  setup(ctx) {
    ctx.provide('translator', lazyTranslator(
      { dialect: 'openai-responses', routes: RESPONSES_ROUTES, encodeError: (err) => encodeResponsesError(err) },
      async () => (await import('./responses-translator.ts')).createResponsesTranslator(),
    ));
  },
} satisfies Plugin;
