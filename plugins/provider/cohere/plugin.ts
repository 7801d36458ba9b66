import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

/** Cohere's v2 API (`type: cohere`): embeddings and rerank. Loaded by default. */
export default {
  name: 'cohere',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Cohere v2 API: /v2/embed and /v2/rerank.',
  setup(ctx) {
    ctx.provide('provider', lazyAdapter(
      { id: 'cohere', chat: false, operations: ['embed', 'rerank'], listModels: true },
      async () => (await import('./cohere-adapter.ts')).createCohereAdapter(),
    ));
  },
} satisfies Plugin;
