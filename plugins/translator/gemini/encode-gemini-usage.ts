import type { Usage } from '../../../core/types/hub.ts';
import type { GeminiUsageMetadata } from './gemini-response-types.ts';

/**
 * Hub usage → `usageMetadata`. Gemini counts thoughts apart from candidates
 * (`candidatesTokenCount` excludes `thoughtsTokenCount`), while the hub's `outputTokens`
 * includes reasoning; cached tokens are part of `promptTokenCount` in both. Zero counts are
 * omitted, as the API does.
 *
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function encodeGeminiUsage(usage: Usage): GeminiUsageMetadata {
  const thoughts = usage.reasoningTokens ?? 0;
  const out: GeminiUsageMetadata = {};
  put(out, 'promptTokenCount', usage.inputTokens);
  put(out, 'candidatesTokenCount', Math.max(0, usage.outputTokens - thoughts));
  put(out, 'totalTokenCount', usage.inputTokens + usage.outputTokens);
  put(out, 'thoughtsTokenCount', thoughts);
  put(out, 'cachedContentTokenCount', usage.cachedInputTokens ?? 0);
  return out;
}

function put(out: GeminiUsageMetadata, key: keyof GeminiUsageMetadata, n: number): void {
  if (Number.isFinite(n) && n > 0) out[key] = Math.round(n);
}
