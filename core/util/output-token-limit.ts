/**
 * The most output tokens a model takes, as its quirks declare it (`max_output_tokens`: from the
 * preset catalogue's model entry, or a provider entry's `quirks:`), or undefined when unknown.
 * Providers cap the translated request's max tokens to it (never raise them), since a request
 * above it is a 400 at OpenAI ("max_tokens is too large"), Anthropic and Gemini alike.
 */
export function outputTokenLimit(quirks: Readonly<Record<string, unknown>>): number | undefined {
  const v = quirks.max_output_tokens;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** `tokens` capped at `limit`; unchanged without a limit or below it. */
export function capOutputTokens(tokens: number, limit: number | undefined): number {
  return limit !== undefined && tokens > limit ? limit : tokens;
}
