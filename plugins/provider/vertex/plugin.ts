import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import type { TokenEntry } from './google-tokens.ts';
import { vertexDialectOf } from './vertex-publisher.ts';

/**
 * `type: vertex`: Google Cloud Vertex AI, Gemini, Claude, the partner models of Mistral AI and
 * AI21 Labs (`mistralai/…`, `ai21/…`) and open models (Llama, DeepSeek, Qwen, gpt-oss… as
 * `publisher/model`) of one project and location. Options beside the type:
 * `project`, `location` (default `global`), `credentials` (a service-account key or gcloud user
 * credentials file, by path or JSON, or `adc` for Application Default Credentials), or an access
 * token / API key in `keys:`. Needs the `gemini-provider`, `anthropic` and `openai-compatible`
 * plugins, whose wire code it reuses.
 *
 * Its models speak several wire formats (`nativeDialectOf`): Anthropic clients calling Claude,
 * Gemini clients calling Gemini and OpenAI Chat clients calling an open model take the
 * passthrough lane; partner models take the translated lane. Google's embedding models serve
 * `embed` (`:predict`, `:embedContent`).
 */
const plugin: Plugin = {
  name: 'vertex',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Google Cloud Vertex AI: Gemini (generateContent), Claude, Mistral AI and AI21 Labs (rawPredict), open models (OpenAI Chat Completions) and text embeddings (predict) with service-account, gcloud user (ADC) or token auth.',
  setup(ctx) {
    // Tokens and refused beta flags outlive a reload: a config edit must not cost a token exchange.
    const state = ctx.keep(() => ({ tokens: new Map<string, TokenEntry>(), refusedBetas: new Map<string, Set<string>>() }));
    ctx.provide('provider', lazyAdapter(
      { id: 'vertex', nativeDialectOf: vertexDialectOf, passthrough: true, operations: ['countTokens', 'embed'], credentialOptions: ['credentials'] },
      async () => {
        const [{ createVertexAdapter }, { googleTokens }, { createMediaCache }] = await Promise.all([
          import('./vertex-adapter.ts'), import('./google-tokens.ts'), import('../../../core/util/media-cache.ts'),
        ]);
        const host = ctx.host;
        const tokens = googleTokens(state.tokens, { http: host.http, now: () => host.now(), registerSecret: (v) => host.registerSecret?.(v), env: host.env ?? process.env });
        return createVertexAdapter(host, { tokens, refusedBetas: state.refusedBetas, media: createMediaCache({ now: () => host.now() }) });
      },
    ));
  },
};

export default plugin;
