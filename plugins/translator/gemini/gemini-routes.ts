import type { ShellRoute } from '../../../core/plugin/lazy-translator.ts';

/**
 * API versions served for generation. Google's REST samples and `@google/genai` before 3.x
 * call `v1beta`, 3.x defaults to `v1`; the request and response shapes are the same. Model
 * listing stays on `v1beta`: `GET /v1/models` belongs to the OpenAI dialect.
 */
const POST_VERSIONS = ['v1beta', 'v1', 'v1alpha'] as const;

/** The Gemini dialect's routes, all answered by the translator itself (see `createGeminiTranslator`). */
export const GEMINI_ROUTES: readonly ShellRoute[] = [
  ...POST_VERSIONS.map((version): ShellRoute => ({
    method: 'POST',
    path: `/${version}/models/:modelAction`,
    summary: `Gemini generateContent, streamGenerateContent and countTokens (${version})`,
    custom: true,
  })),
  { method: 'GET', path: '/v1beta/models', summary: 'List models (Gemini shape)', custom: true },
  { method: 'GET', path: '/v1beta/models/:modelAction', summary: 'Get one model (Gemini shape)', custom: true },
];

/**
 * What a silent SSE stream gets every `server.keepalive_ms`: a line break. @google/genai before
 * 1.31 (Gemini CLI pins 1.30) matches events with `^\s*data: …` and stops for good at an SSE
 * comment; leading whitespace it skips.
 */
export const GEMINI_KEEPALIVE = '\r\n';
