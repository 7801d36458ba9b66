import type { Attempt } from '../../../core/plugin/types.ts';
import { azureRuntime, deploymentOf } from './azure-runtime.ts';
import { clarifyContentFilterError } from './clarify-content-filter-error.ts';
import type { EntraTokens } from './entra-tokens.ts';
import { mapAzureUrl } from './map-azure-url.ts';

/**
 * The attempt the delegate adapter runs for an Azure target: the runtime it sees has the v1 base
 * URL and Azure's auth, the target model is the deployment (what the body's `model` carries),
 * the account's secret is the key or the Entra ID token. Its `fetch` maps the URL to the API the
 * entry uses (`mapAzureUrl`), puts the credential in Azure's header (the Responses adapter sends
 * keys only as a bearer token), drops an Entra token Azure refused, and gives content-filter
 * refusals a clearer message (`clarifyContentFilterError`).
 *
 * Errors: `GW_CONFIG_INVALID` for unusable options (see `azureRuntime`), `GW_UPSTREAM_AUTH` when
 * no Entra token could be had.
 */
export async function azureAttempt(tokens: EntraTokens, attempt: Attempt): Promise<Attempt> {
  const az = azureRuntime(attempt.provider);
  const deployment = deploymentOf(az, attempt.target.model);
  const credential = az.entra ? await tokens.get(attempt.provider, az.entra) : attempt.account?.secret;
  const auth = credential === undefined ? undefined : az.auth.scheme ? `${az.auth.scheme} ${credential}` : credential;
  return {
    n: attempt.n, last: attempt.last, signal: attempt.signal, passthrough: attempt.passthrough,
    target: { ...attempt.target, model: deployment },
    provider: az.runtime,
    account: attempt.account && { ...attempt.account, secret: credential },
    async fetch(url, init = {}) {
      const headers = new Headers(init.headers as HeadersInit | undefined);
      // The Responses adapter puts the account's secret in `authorization` whatever the runtime says.
      if (headers.get('authorization') === `Bearer ${credential}`) headers.delete('authorization');
      if (auth !== undefined) headers.set(az.auth.header, auth);
      const res = await attempt.fetch(mapAzureUrl(url, az, deployment), { ...init, headers });
      if (res.status === 401 && az.entra) tokens.forget(attempt.provider, az.entra);
      return clarifyContentFilterError(res);
    },
  };
}
