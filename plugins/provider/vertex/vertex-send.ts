import type { OutboundInit } from '../../../core/http/types.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type { VertexAuth } from './vertex-auth.ts';

/** One HTTP call to Vertex AI with the attempt's Google credential on it. */
export type VertexSend = (url: string, init: OutboundInit) => Promise<Response>;

/**
 * Sends through the attempt's outbound client with `auth`'s credential (and any quota project)
 * on the request, replacing whatever auth header the caller set. A 401 renews a token of
 * `credentials:` once and sends the same request again; a static token or an API key cannot be
 * renewed, so its 401 is returned as it is. Errors: the outbound client's and the token source's.
 */
export function vertexSend(attempt: Attempt, auth: VertexAuth): VertexSend {
  return async (url, init) => {
    const headers = new Headers(init.headers as HeadersInit | undefined);
    auth.apply(headers);
    let res = await attempt.fetch(url, { ...init, headers });
    if (res.status === 401 && (await auth.renew())) {
      await res.body?.cancel().catch(() => {});
      auth.apply(headers);
      res = await attempt.fetch(url, { ...init, headers });
    }
    return res;
  };
}
