import type { Plugin } from '../../../core/plugin/types.ts';
import { createGeminiTranslator } from './gemini-translator.ts';

/** Fallback body limit (MB) when the config does not say; matches the config default. */
const DEFAULT_BODY_LIMIT_MB = 10;

/** The Gemini client dialect (Gemini CLI, `@google/genai`). Loaded by default. */
export default {
  name: 'gemini',
  kind: 'translator',
  apiVersion: 1,
  autoload: true,
  description: 'Gemini API dialect: POST /v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens, GET /v1beta/models.',
  setup(ctx) {
    ctx.provide('translator', createGeminiTranslator({
      bodyLimitBytes: () => (ctx.host.config().server?.body_limit_mb ?? DEFAULT_BODY_LIMIT_MB) * 1024 * 1024,
    }));
  },
} satisfies Plugin;
