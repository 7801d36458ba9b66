import { GatewayError } from '../errors/gateway-error.ts';
import type { ClientKeyInfo, RouteHost } from '../plugin/types.ts';

/**
 * For routes that answer without the pipeline (token counts): refuses a model outside the
 * key's scopes as the chat route would, with 403 GW_FORBIDDEN naming `model`. Returns nothing
 * when allowed (or when the host has no scope check).
 */
export function assertModelAllowed(host: RouteHost, key: ClientKeyInfo | undefined, model: string): void {
  if (host.allowsModel?.(key, model) === false) {
    throw new GatewayError('GW_FORBIDDEN', `This API key may not use the model "${model}".`, { status: 403, param: 'model' });
  }
}
