import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';
import { lazyTranslator, type ShellRoute } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

export const RERANK_ROUTES: readonly ShellRoute[] = [{ method: 'POST', path: '/v1/rerank', summary: 'Rerank documents (Cohere v2 or Jina format)' }];

/** `POST /v1/rerank`. Loaded by default; its code is imported on the first request. */
export default {
  name: 'rerank',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'Rerank endpoint: POST /v1/rerank in the Cohere v2 or Jina shape.',
  setup(ctx) {
    ctx.provide('endpoint', lazyTranslator(
      { dialect: 'rerank', routes: RERANK_ROUTES, encodeError: (err) => encodeOpenAIError(err) },
      async () => (await import('./rerank-endpoint.ts')).createRerankEndpoint(),
    ));
  },
} satisfies Plugin;
