import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

/**
 * The `anthropic` provider type: Anthropic's Messages API and compatible upstreams.
 *
 * Provider options (YAML, beside `type: anthropic`): `structured_output: native` sends JSON
 * schemas as `output_config.format` instead of the forced-tool trick; `max_tokens: N` is the
 * default output limit when a request sets none; `auth: bearer` sends the key as
 * `authorization: Bearer` instead of `x-api-key`. Native dialect `anthropic-messages`: requests
 * from Anthropic clients take the passthrough lane. Token counts of every client dialect go to
 * the upstream's `count_tokens`.
 */
const plugin: Plugin = {
  name: 'anthropic',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Anthropic Messages API upstreams (api.anthropic.com and compatible endpoints).',
  setup(ctx) {
    ctx.provide('provider', lazyAdapter(
      { id: 'anthropic', nativeDialect: 'anthropic-messages', passthrough: true, operations: ['countTokens'], listModels: true, preview: true },
      async () => (await import('./anthropic-adapter.ts')).createAnthropicAdapter(ctx.host.http),
    ));
  },
};

export default plugin;
