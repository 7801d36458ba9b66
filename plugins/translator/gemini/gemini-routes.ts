import type { ShellRoute } from '../../../core/plugin/lazy-translator.ts';

/**
 * API versions served. Google's REST samples and `@google/genai` before 3.x call `v1beta`, 3.x
 * defaults to `v1`; the request and response shapes are the same.
 */
const POST_VERSIONS = ['v1beta', 'v1', 'v1alpha'] as const;

/**
 * `GET /v1/models[/{id}]` is the OpenAI listing (and the Anthropic one with `anthropic-version`).
 * `@google/genai` 3.x lists and gets models there, always sending its key in this header, which
 * no OpenAI or Anthropic client sends: with it, the path answers in Gemini's shape.
 */
const GEMINI_KEY_HEADER = 'x-goog-api-key';

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
  { method: 'GET', path: '/v1/models', header: GEMINI_KEY_HEADER, summary: 'List models (Gemini shape)', custom: true },
  // `:model`, as the OpenAI route of that path names it (one entry in the API docs).
  { method: 'GET', path: '/v1/models/:model', header: GEMINI_KEY_HEADER, summary: 'Get one model (Gemini shape)', custom: true },
];

/**
 * What a silent SSE stream gets every `server.keepalive_ms`: a line break. @google/genai before
 * 1.31 (Gemini CLI pins 1.30) matches events with `^\s*data: …` and stops for good at an SSE
 * comment; leading whitespace it skips.
 */
export const GEMINI_KEEPALIVE = '\r\n';
