import { GatewayError } from '../errors/gateway-error.ts';
import type { CountTokensResult, ProviderRuntime, Timeouts, Translator } from '../plugin/types.ts';
import type { Dialect } from '../types/hub.ts';

/** Longest wait for an upstream's token count (they answer in well under a second); past it the client gets the estimate. */
const COUNT_TIMEOUT_MS = 10_000;

/** A count call's limits: 10 s to the whole answer, or the provider's own total limit when shorter. */
export function countTimeouts(provider: ProviderRuntime): Partial<Timeouts> {
  const total = (provider.wholeReplyTimeouts ?? provider.timeouts)?.totalMs ?? 0;
  const ms = total > 0 ? Math.min(total, COUNT_TIMEOUT_MS) : COUNT_TIMEOUT_MS;
  return { firstByteMs: ms, totalMs: ms };
}

/**
 * A counting endpoint's body: the fields of `body` it takes (`fields`; a generation's body has
 * more, which those endpoints refuse), without empty ones, for `model`.
 */
export function countFields(body: Record<string, unknown>, fields: ReadonlySet<string>, model: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (fields.has(key) && value !== undefined && value !== null) out[key] = value;
  out.model = model;
  return out;
}

/**
 * The codec a token-count route runs the pipeline with (`RouteHost.run`, operation
 * `countTokens`): the upstream's count in the dialect's shape (`answer`), or on any failure
 * (no target can count, the upstream failed) the local estimate.
 */
export function countTokensCodec(dialect: Dialect, answer: (tokens: number) => Response, estimate: () => Response): Translator {
  return {
    dialect,
    routes: [],
    decode() {
      throw new GatewayError('GW_INTERNAL', 'A token count is decoded by its route.');
    },
    encodeResult: (result) => answer((result as CountTokensResult).inputTokens),
    encodeStream() {
      throw new GatewayError('GW_INTERNAL', 'A token count is never streamed.');
    },
    encodeError: () => estimate(),
  };
}
