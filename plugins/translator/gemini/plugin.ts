import { lazyTranslator } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { encodeGeminiError } from './encode-gemini-error.ts';
import { GEMINI_KEEPALIVE, GEMINI_ROUTES } from './gemini-routes.ts';

/** Fallback body limit (MB) when the config does not say; matches the config default. */
const DEFAULT_BODY_LIMIT_MB = 10;

/**
 * The Gemini client dialect (Gemini CLI, `@google/genai`). Loaded by default; its code is
 * imported on the first Gemini request.
 */
export default {
  name: 'gemini',
  kind: 'translator',
  apiVersion: 1,
  autoload: true,
  description: 'Gemini API dialect: POST /v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens, GET /v1beta/models.',
  setup(ctx) {
    const bodyLimitBytes = () => (ctx.host.config().server?.body_limit_mb ?? DEFAULT_BODY_LIMIT_MB) * 1024 * 1024;
    ctx.provide('translator', lazyTranslator(
      { dialect: 'gemini', routes: GEMINI_ROUTES, encodeError: (err) => encodeGeminiError(err), keepAliveFrame: GEMINI_KEEPALIVE },
      async () => (await import('./gemini-translator.ts')).createGeminiTranslator({ bodyLimitBytes }),
    ));
  },
} satisfies Plugin;
