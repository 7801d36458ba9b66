import type { HttpInput } from '../../../core/plugin/types.ts';

/**
 * The client key from wherever each dialect's SDK puts it: `Authorization: Bearer` (OpenAI and
 * most tools), `x-api-key` (Anthropic), `x-goog-api-key` or `?key=` (Gemini).
 */
export function extractClientKey(input: HttpInput): string | undefined {
  const auth = input.headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  return input.headers.get('x-api-key') ?? input.headers.get('x-goog-api-key') ?? input.url.searchParams.get('key') ?? undefined;
}
