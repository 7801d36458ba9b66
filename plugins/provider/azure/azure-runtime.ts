import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { readEntraCredentials, type EntraCredentials } from './entra-credentials.ts';

/** How one `azure` / `azure-responses` entry reaches its resource, read once per provider runtime. */
export interface AzureRuntime {
  /** The resource endpoint, `https://<resource>.openai.azure.com`, without a path. */
  endpoint: string;
  /**
   * `api-version` sent with every call, if any: a date (`2024-10-21`) selects the deployments
   * API (`deploymentsApi`), `preview` the v1 API's preview features.
   */
  apiVersion?: string;
  /** Calls go to `/openai/deployments/{deployment}/…` (chat, embeddings…) or `/openai/responses`. */
  deploymentsApi: boolean;
  /** Deployment names by the model names clients use (`deployments:`); a model not listed is its own deployment. */
  deployments: Readonly<Record<string, string>>;
  /**
   * Where the credential goes: the entry's `auth:` (`authorization` + `Bearer` for an Entra ID
   * token given in `keys:`), else `api-key` for keys and `authorization: Bearer` for `entra:` tokens.
   */
  auth: { header: string; scheme?: string };
  /** Client credentials of a Microsoft Entra ID app (`entra:`); the bearer token is fetched at run time. */
  entra?: EntraCredentials;
  /**
   * What the delegate adapter sees: base URL `{endpoint}/openai/v1`, the auth above, Azure's
   * default quirks under the entry's own, and each mapped model's quirks under its deployment.
   */
  runtime: ProviderRuntime;
}

/**
 * Azure takes `max_completion_tokens` (its reasoning models refuse `max_tokens`) and refuses
 * request fields it does not know, such as the `top_k` a converted Anthropic or Gemini request may carry.
 */
const AZURE_QUIRKS: Readonly<Record<string, unknown>> = { max_tokens_field: 'max_completion_tokens' };
const AZURE_DROPPED = ['top_k'];

/** Keys go in `api-key`; Entra ID tokens are bearer tokens. */
const API_KEY = { header: 'api-key' };
const BEARER = { header: 'authorization', scheme: 'Bearer' };

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

const runtimes = new WeakMap<ProviderRuntime, AzureRuntime>();

/**
 * The Azure view of a provider runtime (cached: runtimes are rebuilt on every reload).
 * Throws GatewayError `GW_CONFIG_INVALID` (500) naming the option when the entry's
 * `api_version`, `deployments` or `entra` cannot be used.
 */
export function azureRuntime(provider: ProviderRuntime): AzureRuntime {
  let az = runtimes.get(provider);
  if (!az) runtimes.set(provider, (az = readAzureRuntime(provider)));
  return az;
}

/** The deployment that serves `model` for this entry. */
export function deploymentOf(az: AzureRuntime, model: string): string {
  return az.deployments[model] ?? model;
}

function readAzureRuntime(p: ProviderRuntime): AzureRuntime {
  const o = p.options;
  const version = readApiVersion(p, o.api_version);
  const deployments = readDeployments(p, o.deployments);
  const endpoint = p.baseUrl.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/i, '');
  const entra = o.entra === undefined ? undefined : readEntraCredentials(o.entra, (m) => invalid(p, 'entra', m));
  // `auth:` was validated and normalized with the config; only whether the entry set it matters here.
  const auth = o.auth !== undefined && p.auth ? p.auth : entra ? BEARER : API_KEY;
  const runtime: ProviderRuntime = { ...p, baseUrl: `${endpoint}/openai/v1`, auth, quirks: azureQuirks(p.quirks, deployments) };
  return {
    endpoint, deploymentsApi: version !== undefined && DATED_VERSION.test(version), deployments, auth, runtime,
    ...(version === undefined ? {} : { apiVersion: version }),
    ...(entra ? { entra } : {}),
  };
}

/** `undefined` for the v1 API's GA surface (no option, or `v1`). */
function readApiVersion(p: ProviderRuntime, v: unknown): string | undefined {
  if (v === undefined || v === 'v1') return undefined;
  if (v === 'preview' || (typeof v === 'string' && DATED_VERSION.test(v))) return v;
  throw invalid(p, 'api_version', 'must be a date such as 2024-10-21 (the deployments API), "preview" or "v1"');
}

function readDeployments(p: ProviderRuntime, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (isRecord(v) && Object.values(v).every((d) => typeof d === 'string' && d !== '')) return v as Record<string, string>;
  throw invalid(p, 'deployments', 'must map model names to deployment names');
}

/**
 * Azure's defaults under the entry's quirks, then, for every model mapped to a differently named
 * deployment, the model's quirks as the deployment's: the delegate looks quirks up by the name
 * it sends, and `gpt-5*` quirks must reach `prod-chat`. `top_k` is in every `drop_params` list,
 * the per-model ones too (a model's list replaces the provider's).
 */
function azureQuirks(own: Record<string, unknown>, deployments: Record<string, string>): Record<string, unknown> {
  const base: Record<string, unknown> = { ...AZURE_QUIRKS, ...withDropped(own) };
  const models: Record<string, unknown> = {};
  if (isRecord(own.models)) for (const [name, q] of Object.entries(own.models)) models[name] = isRecord(q) ? withDropped(q, false) : q;
  // A copy to look up in: `modelQuirks` caches by the record, and `base` changes below.
  const lookup = { quirks: { ...base, models: { ...models } } };
  for (const [model, deployment] of Object.entries(deployments)) {
    if (model === deployment) continue;
    const exact = models[deployment];
    models[deployment] = { ...modelQuirks(lookup, model), ...(isRecord(exact) ? exact : {}) };
  }
  if (Object.keys(models).length > 0) base.models = models;
  return base;
}

/** `q` with Azure's dropped fields added to its `drop_params` (set one when `always`). */
function withDropped(q: Record<string, unknown>, always = true): Record<string, unknown> {
  const list = Array.isArray(q.drop_params) ? q.drop_params : undefined;
  if (!list && !always) return q;
  return { ...q, drop_params: [...new Set([...AZURE_DROPPED, ...(list ?? [])])] };
}

function invalid(p: ProviderRuntime, option: string, message: string): GatewayError {
  return new GatewayError('GW_CONFIG_INVALID', `providers.${p.name}.${option}: ${message}.`, { status: 500 });
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
