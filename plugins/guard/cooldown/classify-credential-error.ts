import { toGatewayError } from '../../../core/errors/gateway-error.ts';

/** What an attempt's failure says about the account (the credential), not the provider. */
export type CredentialOutcome = 'rate-limited' | 'unauthorized' | 'terminal' | 'neutral';

/**
 * Classifies a failed attempt for the account's cooldown. Only answers from the upstream count
 * (a local rate limit or a transport error says nothing about the key): 402 and known
 * out-of-credit / revoked codes are terminal (checked first: OpenAI sends `insufficient_quota`
 * as a 429), 429 is rate-limited, 401 unauthorized. 403 and the rest are neutral: the
 * pipeline already falls back for this request.
 *
 * A pattern found only in the upstream's message does not count when the client's own request
 * holds that text (`sent`): an upstream that echoes the request ("Unrecognized request argument
 * supplied: insufficient_quota") would otherwise let any client take the gateway's keys out of
 * rotation.
 */
export function classifyCredentialError(
  error: unknown, aborted: boolean, terminalPatterns: readonly string[], sent: (text: string) => boolean = () => false,
): CredentialOutcome {
  if (aborted) return 'neutral';
  const err = toGatewayError(error);
  const up = err.upstream;
  if (!up) return 'neutral';
  const fields = `${up.code ?? ''} ${up.type ?? ''}`.toLowerCase();
  const message = (up.message ?? '').toLowerCase();
  const terminal = terminalPatterns.some((p) => p && (fields.includes(p) || (message.includes(p) && !sent(p))));
  if (up.status === 402 || terminal) return 'terminal';
  if (up.status === 429) return 'rate-limited';
  if (up.status === 401) return 'unauthorized';
  return 'neutral';
}
