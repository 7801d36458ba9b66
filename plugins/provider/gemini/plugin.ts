import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

/**
 * The Gemini API provider: adapter `gemini` (`type: gemini` in the config). Named apart from
 * the `gemini` translator plugin, since plugin names are unique. Loaded by default.
 */
export default {
  name: 'gemini-provider',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Google Gemini API (generativelanguage.googleapis.com): generateContent, streaming, passthrough for Gemini clients.',
  setup(ctx) {
    ctx.provide('provider', lazyAdapter(
      { id: 'gemini', nativeDialect: 'gemini', passthrough: true, operations: ['embed', 'image', 'countTokens'], listModels: true, preview: true },
      async () => (await import('./gemini-adapter.ts')).createGeminiAdapter(ctx.host.http),
    ));
  },
} satisfies Plugin;
