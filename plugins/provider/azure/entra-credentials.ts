/** Scope of Azure OpenAI / Foundry tokens. */
export const ENTRA_SCOPE = 'https://cognitiveservices.azure.com/.default';
/** Microsoft Entra ID's public-cloud authority; sovereign clouds have their own (`login.microsoftonline.us`…). */
export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';

/** An Entra ID app's client credentials, as the entry's `entra:` gives them. */
export interface EntraCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  authority: string;
}

/**
 * Reads `entra: { tenant_id, client_id, client_secret, scope?, authority? }`. `fail` makes the
 * error to throw, given what is wrong.
 */
export function readEntraCredentials(v: unknown, fail: (message: string) => Error): EntraCredentials {
  const o = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const text = (k: string) => (typeof o?.[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
  const tenantId = text('tenant_id');
  const clientId = text('client_id');
  const clientSecret = text('client_secret');
  if (!tenantId || !clientId || !clientSecret) throw fail('needs tenant_id, client_id and client_secret');
  const authority = (text('authority') ?? ENTRA_AUTHORITY).replace(/\/+$/, '');
  if (!URL.canParse(authority)) throw fail('authority must be a URL');
  return { tenantId, clientId, clientSecret, scope: text('scope') ?? ENTRA_SCOPE, authority };
}

/**
 * The tenant's v2.0 token endpoint.
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export function entraTokenUrl(c: EntraCredentials): string {
  return `${c.authority}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`;
}
