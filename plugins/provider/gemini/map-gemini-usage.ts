import type { Usage } from '../../../core/types/hub.ts';
import type { GeminiUsageMetadata } from './gemini-wire-types.ts';

/**
 * `usageMetadata` → hub usage. Gemini counts thoughts apart from candidates; the hub's
 * `outputTokens` includes them (`reasoningTokens` is the subset). Tool-use prompt tokens
 * (search grounding) are input. Cached tokens are part of the prompt count in both.
 *
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function mapGeminiUsage(u: GeminiUsageMetadata): Usage {
  const thoughts = u.thoughtsTokenCount ?? 0;
  const usage: Usage = {
    inputTokens: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0),
    outputTokens: (u.candidatesTokenCount ?? 0) + thoughts,
  };
  if (thoughts > 0) usage.reasoningTokens = thoughts;
  if ((u.cachedContentTokenCount ?? 0) > 0) usage.cachedInputTokens = u.cachedContentTokenCount;
  return usage;
}
