import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { AzureRuntime } from './azure-runtime.ts';

/** Azure's rule for deployment names; also what keeps a name from being read as a path (`..`). */
const DEPLOYMENT_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/**
 * The Azure URL of a call the delegate adapter built against `{endpoint}/openai/v1` (the base
 * URL of `AzureRuntime.runtime`). The v1 API is that URL itself, with `?api-version=preview`
 * when configured. The deployments API moves the operation under the deployment
 * (`/openai/deployments/{deployment}/chat/completions`, `/embeddings`, `/images/generations`,
 * `/audio/…`), except the Responses API, which has no deployment in its path
 * (`/openai/responses`, the deployment is the body's `model`), and adds the dated `api-version`.
 * The host and the `/openai` root are the configured endpoint's: only the deployment name comes
 * from the request, and only a valid name is put in the path.
 *
 * Errors: GatewayError `GW_BAD_REQUEST` (400) for a deployment name Azure could not have.
 *
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference
 */
export function mapAzureUrl(url: string, az: Pick<AzureRuntime, 'endpoint' | 'apiVersion' | 'deploymentsApi'>, deployment: string): string {
  const v1 = `${az.endpoint}/openai/v1`;
  if (!url.startsWith(`${v1}/`)) return url;
  const query = az.apiVersion === undefined ? '' : `?api-version=${encodeURIComponent(az.apiVersion)}`;
  if (!az.deploymentsApi) return url + query;
  const operation = url.slice(v1.length);
  if (operation.startsWith('/responses')) return `${az.endpoint}/openai${operation}${query}`;
  if (!DEPLOYMENT_NAME.test(deployment)) {
    throw new GatewayError('GW_BAD_REQUEST', `"${deployment.slice(0, 80)}" is not an Azure deployment name.`, { status: 400 });
  }
  return `${az.endpoint}/openai/deployments/${deployment}${operation}${query}`;
}
