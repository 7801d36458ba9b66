/** Test helpers shared by the vertex plugin's unit tests: a recording attempt and a rejection catcher. */
import { isGatewayError, type GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { GoogleTokens } from './google-tokens.ts';

/** What `vertexAttempt` needs besides the attempt, for attempts that carry a `keys:` token. */
export const testVertexDeps = { tokens: {} as GoogleTokens, refusedBetas: new Map<string, Set<string>>() };

/**
 * An attempt on `model` with a `keys:` token (or API key, as the provider says) whose fetch
 * records each request and answers `reply`.
 */
export function recordingAttempt(p: ProviderRuntime, model: string, opts: { reply?: () => Response; passthrough?: boolean } = {}) {
  const reply = opts.reply ?? (() => Response.json({ ok: true }));
  const sent: Array<{ url: string; headers: Headers; body: unknown }> = [];
  const attempt: Attempt = {
    n: 1, last: true, target: { provider: 'v', model }, provider: p, signal: new AbortController().signal, passthrough: opts.passthrough ?? false,
    account: { id: 'key-1', label: 'key-1', priority: 0, weight: 1, secret: 'ya29.test-token' },
    fetch: async (url, init = {}) => {
      sent.push({ url, headers: new Headers(init.headers as HeadersInit), body: init.body });
      return reply();
    },
  };
  return { attempt, sent };
}

/** The GatewayError `p` rejects with (anything else, or success, fails the test). */
export async function rejection(p: Promise<unknown>): Promise<GatewayError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (!isGatewayError(e)) throw new Error(`expected a GatewayError, got ${String(e)}`);
  return e;
}
