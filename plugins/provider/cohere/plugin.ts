import type { Plugin } from '../../../core/plugin/types.ts';
import { createCohereAdapter } from './cohere-adapter.ts';

/** Cohere's v2 API (`type: cohere`): embeddings and rerank. Loaded by default. */
export default {
  name: 'cohere',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Cohere v2 API: /v2/embed and /v2/rerank.',
  setup(ctx) {
    ctx.provide('provider', createCohereAdapter());
  },
} satisfies Plugin;
