import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';
import { lazyTranslator, type ShellRoute } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

/** The routes (the list routes are answered by the endpoint itself). */
export const EMBEDDINGS_ROUTES: readonly ShellRoute[] = [
  { method: 'POST', path: '/v1/embeddings', summary: 'Create embeddings (OpenAI format; float or base64)' },
  { method: 'GET', path: '/v1/embeddings', summary: 'List embedding models', custom: true },
  { method: 'GET', path: '/v1/embeddings/models', summary: 'List embedding models', custom: true },
];

/** `POST /v1/embeddings`. Loaded by default; its code is imported on the first request. */
export default {
  name: 'embeddings',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI embeddings endpoint: POST /v1/embeddings (float and base64), GET /v1/embeddings lists embedding models.',
  setup(ctx) {
    ctx.provide('endpoint', lazyTranslator(
      { dialect: 'openai-embeddings', routes: EMBEDDINGS_ROUTES, encodeError: (err) => encodeOpenAIError(err) },
      async () => (await import('./embeddings-endpoint.ts')).createEmbeddingsEndpoint(),
    ));
  },
} satisfies Plugin;
