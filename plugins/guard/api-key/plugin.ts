import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ClientKeyInfo, Plugin } from '../../../core/plugin/types.ts';
import { extractClientKey } from './extract-client-key.ts';
import { scopeAllows } from './match-scope.ts';

/**
 * Client keys on `/v1/*`: every request must carry a key that exists in the database, is not
 * revoked and not expired. Keys are compared by hash; a key created by the CLI while the server
 * runs is accepted at once. With `auth.require_key: false` a missing key is let through, but a
 * wrong one is still refused. A key with scopes may only use the models they match (403).
 */
export default {
  name: 'api-key',
  kind: 'guard',
  apiVersion: 1,
  autoload: true,
  failMode: 'closed',
  description: 'Requires a valid client key on every gateway request; enforces key expiry and model scopes.',
  setup(ctx) {
    /** The found key, or the 401 for an unknown or expired one. */
    const accept = (key: ClientKeyInfo | undefined): ClientKeyInfo => {
      if (!key) throw ctx.error('GW_UNAUTHORIZED', 'Invalid API key.', 401);
      if (key.expiresAt != null && key.expiresAt <= ctx.host.now()) throw ctx.error('GW_UNAUTHORIZED', 'This API key has expired.', 401);
      return key;
    };
    // Synchronous when the host's lookup is (it is): no promise hop on every request.
    ctx.provide('authenticator', {
      authenticate(input) {
        const secret = extractClientKey(input);
        if (!secret) {
          if (!ctx.host.config().auth.require_key) return undefined;
          throw ctx.error('GW_UNAUTHORIZED', `Missing API key. Send your Switchyard key as ${keyHint(input.headers)}.`, 401);
        }
        const found = ctx.host.findKey(secret);
        return found instanceof Promise ? found.then(accept) : accept(found);
      },
      allowsModel: (key, model) => scopeAllows(key.scopes, model),
    });

    // First of all hooks: a request outside the key's scopes costs nothing else.
    ctx.hook('beforeRequest', (req, call) => {
      const key = call.key;
      if (!key?.scopes || scopeAllows(key.scopes, req.model)) return;
      throw new GatewayError('GW_FORBIDDEN', `This API key may not use the model "${req.model}".`, { status: 403, param: 'model' });
    }, { order: 'pre' });
  },
} satisfies Plugin<unknown>;

/** Where this client's SDK would send a key: the header its dialect uses (the error names it). */
function keyHint(headers: Headers): string {
  if (headers.has('anthropic-version')) return '"x-api-key: <key>" or "Authorization: Bearer <key>" (ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN in Claude Code)';
  if (headers.has('x-goog-api-client')) return '"x-goog-api-key: <key>" (GEMINI_API_KEY in Gemini CLI)';
  return '"Authorization: Bearer <key>"';
}
