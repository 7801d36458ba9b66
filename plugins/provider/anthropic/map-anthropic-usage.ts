import type { Usage } from '../../../core/types/hub.ts';

/** The usage object of a Messages response, `message_start` or `message_delta` event. */
export interface AnthropicWireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** The cache writes by TTL (`cache_creation_input_tokens` is their sum). */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** The tier that served the request: `standard`, `priority` or `batch`. */
  service_tier?: string | null;
}

/**
 * Messages usage → hub usage. Anthropic's `input_tokens` excludes cache reads and writes; the
 * hub's `inputTokens` includes them (cached and written tokens are subsets of it), so they are
 * added back; the one-hour share of the writes (`cache_creation.ephemeral_1h_input_tokens`) is
 * kept apart for its price, and the `service_tier` for the tier's. `base` lets a `message_delta`
 * update what `message_start` reported.
 *
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 * @see https://docs.anthropic.com/en/api/service-tiers
 */
export function mapAnthropicUsage(usage: AnthropicWireUsage | null | undefined, base?: Usage): Usage {
  const prevRead = base?.cachedInputTokens ?? 0;
  const prevWrite = base?.cacheWriteTokens ?? 0;
  const prevInput = (base?.inputTokens ?? 0) - prevRead - prevWrite;
  const input = num(usage?.input_tokens) ?? prevInput;
  const read = num(usage?.cache_read_input_tokens) ?? prevRead;
  const write = num(usage?.cache_creation_input_tokens) ?? prevWrite;
  const out: Usage = { inputTokens: input + read + write, outputTokens: num(usage?.output_tokens) ?? base?.outputTokens ?? 0 };
  if (read > 0 || usage?.cache_read_input_tokens != null || base?.cachedInputTokens !== undefined) out.cachedInputTokens = read;
  if (write > 0 || usage?.cache_creation_input_tokens != null || base?.cacheWriteTokens !== undefined) out.cacheWriteTokens = write;
  const hour = num(usage?.cache_creation?.ephemeral_1h_input_tokens) ?? base?.cacheWrite1hTokens;
  if (hour !== undefined && hour > 0) out.cacheWrite1hTokens = hour;
  const thinking = num(usage?.output_tokens_details?.thinking_tokens) ?? base?.reasoningTokens;
  if (thinking !== undefined) out.reasoningTokens = thinking;
  const tier = usage?.service_tier ?? base?.serviceTier;
  if (typeof tier === 'string' && tier) out.serviceTier = tier;
  return out;
}

function num(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
