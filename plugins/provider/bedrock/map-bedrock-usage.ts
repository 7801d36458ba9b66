import type { Usage } from '../../../core/types/hub.ts';

/** Converse `usage` (response and the stream's `metadata` event). */
export interface BedrockWireUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/**
 * Converse usage → hub usage. Bedrock's `inputTokens` counts only the input neither read from
 * nor written to the prompt cache; the hub's `inputTokens` includes both (cached and written
 * tokens are subsets of it), so they are added back.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html
 */
export function mapBedrockUsage(usage: BedrockWireUsage | undefined): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const read = num(usage.cacheReadInputTokens);
  const write = num(usage.cacheWriteInputTokens);
  const out: Usage = { inputTokens: (num(usage.inputTokens) ?? 0) + (read ?? 0) + (write ?? 0), outputTokens: num(usage.outputTokens) ?? 0 };
  if (read !== undefined) out.cachedInputTokens = read;
  if (write !== undefined) out.cacheWriteTokens = write;
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}
