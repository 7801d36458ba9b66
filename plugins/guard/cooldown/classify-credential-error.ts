import { toGatewayError } from '../../../core/errors/gateway-error.ts';

/** What an attempt's failure says about the account (the credential), not the provider. */
export type CredentialOutcome = 'rate-limited' | 'unauthorized' | 'terminal' | 'neutral';

/**
 * Classifies a failed attempt for the account's cooldown. Only answers from the upstream count
 * (a local rate limit or a transport error says nothing about the key): 402 and known
 * out-of-credit / revoked codes are terminal (checked first: OpenAI sends `insufficient_quota`
 * as a 429), 429 is rate-limited, 401 unauthorized. 403 and the rest are neutral: the
 * pipeline already falls back for this request.
 */
export function classifyCredentialError(error: unknown, aborted: boolean, terminalPatterns: readonly string[]): CredentialOutcome {
  if (aborted) return 'neutral';
  const err = toGatewayError(error);
  const up = err.upstream;
  if (!up) return 'neutral';
  const text = `${up.code ?? ''} ${up.type ?? ''} ${up.message ?? ''}`.toLowerCase();
  if (up.status === 402 || terminalPatterns.some((p) => p && text.includes(p))) return 'terminal';
  if (up.status === 429) return 'rate-limited';
  if (up.status === 401) return 'unauthorized';
  return 'neutral';
}
