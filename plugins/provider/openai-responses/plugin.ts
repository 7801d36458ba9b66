import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

/**
 * The `openai-responses` provider type: OpenAI's Responses API and compatible upstreams, always
 * stateless (`store: false`, reasoning carried as `encrypted_content`). Token counts of every
 * client dialect go to the upstream's `/responses/input_tokens`.
 *
 * The plugin is named `openai-responses-provider` because plugin names are unique and
 * `openai-responses` is the translator of the same dialect; the provider `type:` (adapter id)
 * is `openai-responses`.
 */
const plugin: Plugin = {
  name: 'openai-responses-provider',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI Responses API upstreams (POST /v1/responses), stateless.',
  setup(ctx) {
    ctx.provide('provider', lazyAdapter(
      { id: 'openai-responses', nativeDialect: 'openai-responses', passthrough: true, operations: ['countTokens'], listModels: true, preview: true },
      async () => (await import('./responses-adapter.ts')).createResponsesAdapter(ctx.host.http),
    ));
  },
};

export default plugin;
