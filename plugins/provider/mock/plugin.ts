import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { MOCK_MODELS } from './mock-models.ts';

/**
 * `type: mock`: a deterministic local model for demos and client integration checks, with no
 * network access. See `createMockAdapter` for the model names and what they do.
 */
export default {
  name: 'mock',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Deterministic local model (echo, tools, think, fail-500, fail-429, slow, midstream-drop).',
  setup(ctx) {
    ctx.provide('provider', lazyAdapter(
      { id: 'mock', listModels: true, defaultModels: MOCK_MODELS },
      async () => (await import('./create-mock-adapter.ts')).createMockAdapter(),
    ));
  },
} satisfies Plugin;
